from django.contrib import admin

from .models import SocialOrganization


@admin.register(SocialOrganization)
class SocialOrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "credit_code")
    search_fields = ("name", "credit_code")
