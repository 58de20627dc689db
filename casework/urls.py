from .views import (
    advocacy,
    attachments,
    calendar,
    cases,
    clients,
    community,
    district,
    field,
    field_edits,
    field_outbox,
    followups,
    groups,
    labels,
    merges,
    referrals,
    subject_requests,
)

app_name = "casework"

urlpatterns = [
    *cases.urlpatterns,
    *calendar.urlpatterns,
    *clients.urlpatterns,
    *groups.urlpatterns,
    *community.urlpatterns,
    *advocacy.urlpatterns,
    *district.urlpatterns,
    *subject_requests.urlpatterns,
    *labels.urlpatterns,
    *followups.urlpatterns,
    *referrals.urlpatterns,
    *merges.urlpatterns,
    *attachments.urlpatterns,
    *field.urlpatterns,
    *field_outbox.urlpatterns,
    *field_edits.urlpatterns,
]
