import django_filters

from .models import Region, ServiceUnit


class RegionFilter(django_filters.FilterSet):
    parent = django_filters.NumberFilter(method="filter_parent", label="parent region id")

    class Meta:
        model = Region
        fields = ["level", "code"]

    def filter_parent(self, queryset, name, value):
        parent = Region.objects.filter(pk=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)


class ServiceUnitFilter(django_filters.FilterSet):
    parent = django_filters.NumberFilter(method="filter_parent", label="parent unit id")
    within_region = django_filters.NumberFilter(
        method="filter_within_region", label="region id, with its subregions"
    )

    class Meta:
        model = ServiceUnit
        fields = ["level", "region", "is_model", "code"]

    def filter_parent(self, queryset, name, value):
        parent = ServiceUnit.objects.filter(pk=value).first()
        if parent is None:
            return queryset.none()
        return queryset.filter(path__startswith=parent.path, depth=parent.depth + 1)

    def filter_within_region(self, queryset, name, value):
        region = Region.objects.filter(pk=value).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=region.path)
