"""How forms and their widgets are rendered."""

from django.forms.renderers import DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(Jinja2):
    """Django's own widget and form templates through Jinja2, which renders the same markup in
    half the time: a list's filter form, with its selects of stations and workers, cost 35 of the
    page's 85 ms (bench/results.md). The templates Django ships only for its template language
    (the admin's widgets, django-filter's) are rendered by it, as before."""

    def get_template(self, template_name):
        try:
            return super().get_template(template_name)
        except TemplateDoesNotExist:
            return _django_templates.get_template(template_name)


_django_templates = DjangoTemplates()
