"""The fixed JSON answer the throughput compares the app's page with."""

from django.http import JsonResponse


def fixed(request):
    return JsonResponse({"status": "ok", "items": [1, 2, 3]})
