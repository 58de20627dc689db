"""Photos, documents and signed consent on case records (casework.services.attachments): what is
taken, encryption at rest and key rotation, who may open a file (and that each opening is
audited), the note form's camera input, consent signed on the screen and printed, erasure."""

import base64
import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageDraw

import socialwork.crypto as crypto
from casework import services
from casework.models import Attachment, Client, ClientConsent
from casework.pdf import case_file_pdf
from casework.timeline import PREFETCH, case_timeline
from socialwork.crypto import keyring as kr
from socialwork.crypto.stored import file_read, file_store, storage_name
from socialwork.models import AuditEntry
from socialwork.roles import Role
from tests.casework.factories import make_case
from tests.factories import make_user
from tests.pdfs import pdf_text, squeezed

NEW_KEY = "2027a:" + "bmV3" * 10 + "bmU="
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + "院子里堆满杂物 PLAINTEXT-MARKER".encode() * 20
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo(name="家访照片.jpg", data=JPEG):
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def signature_png(ink=True, size=(600, 240)) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        draw.line([(40, 180), (160, 60), (260, 190), (380, 70), (540, 160)], fill=(17, 17, 17, 255), width=4)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def stored_bytes(ref: str) -> bytes:
    with default_storage.open(storage_name(ref), "rb") as stored:
        return stored.read()


@pytest.fixture
def case(social_worker, supervisor):
    return make_case(social_worker, supervisor=supervisor)


@pytest.fixture
def note(social_worker, case):
    return services.note_add(
        actor=social_worker,
        case=case,
        noted_on=case.intake_on,
        method="home_visit",
        minutes=30,
        content="家访",
    )


# What is taken


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("setup.exe", b"MZ\x90\x00", "Only photos"),
        ("页面.html", b"<html></html>", "Only photos"),
        ("假照片.jpg", b"not a jpeg at all", "does not match its name"),
        ("假文件.pdf", b"\xff\xd8\xff\xe0", "does not match its name"),
        ("scripted.pdf", b"%PDF-1.4 /JavaScript (app.alert(1))", "scripts"),
    ],
)
def test_a_file_of_another_kind_is_refused_with_its_name(social_worker, case, name, data, words):
    with pytest.raises(ValidationError) as error:
        services.attachments_add(actor=social_worker, case=case, files=[SimpleUploadedFile(name, data)])
    message = " ".join(error.value.message_dict["attachments"])
    assert name in message and words in message
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(social_worker, case, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    big = photo(data=b"\xff\xd8\xff" + b"0" * (1024 * 1024))
    with pytest.raises(ValidationError, match="larger than 1 MB"):
        services.attachments_add(actor=social_worker, case=case, files=[big])
    assert not Attachment.objects.exists()


def test_phone_photos_webp_and_heic_and_pdf_documents_are_taken(social_worker, case, note):
    files = [
        SimpleUploadedFile("a.webp", b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"0" * 20),
        SimpleUploadedFile("b.heic", b"\x00\x00\x00\x18ftypheic" + b"0" * 20),
        SimpleUploadedFile("c.png", signature_png()),
        SimpleUploadedFile("报告.pdf", PDF),
    ]
    added = services.attachments_add(actor=social_worker, case=case, files=files, note=note)
    assert [a.content_type for a in added] == ["image/webp", "image/heic", "image/png", "application/pdf"]
    assert all(a.note_id == note.pk for a in added)
    entry = AuditEntry.objects.get(action="attachment.add")
    assert entry.changes["attachments"] == [a.pk for a in added] and "报告" not in str(entry.changes)


def test_only_who_may_write_the_case_attaches(other_worker, case, note):
    with pytest.raises(ValidationError, match="outside what you can see"):
        services.attachments_add(actor=other_worker, case=case, files=[photo()])


def test_a_record_of_another_case_is_refused(social_worker, case, supervisor):
    other = make_case(social_worker, supervisor=supervisor)
    other_note = services.note_add(
        actor=social_worker, case=other, noted_on=other.intake_on, method="phone", minutes=5, content="电话"
    )
    with pytest.raises(ValidationError, match="not of this case"):
        services.attachments_add(actor=social_worker, case=case, files=[photo()], note=other_note)


# Encryption at rest


def test_the_stored_bytes_are_ciphertext_under_a_random_name(social_worker, case, note):
    (attachment,) = services.attachments_add(actor=social_worker, case=case, files=[photo()], note=note)
    stored = stored_bytes(attachment.stored)
    assert b"PLAINTEXT-MARKER" not in stored and JPEG not in stored
    assert stored.startswith(b"swb1:fernet:dev1\n")
    name = storage_name(attachment.stored)
    assert name.startswith("encrypted/") and "家访" not in name and case.number not in name
    assert attachment.stored.startswith("fernet:dev1:")
    assert file_read(attachment.stored) == JPEG
    assert Attachment.objects.get().original_name == "家访照片.jpg"


@pytest.mark.parametrize("cipher", ["fernet", "sm4"])
def test_bytes_round_trip_under_either_cipher_and_a_changed_byte_is_refused(settings, cipher):
    settings.FIELD_CIPHER = cipher
    blob = crypto.encrypt_bytes(JPEG)
    assert kr.bytes_header(blob) == (crypto.cipher(), "dev1") and b"PLAINTEXT" not in blob
    assert crypto.decrypt_bytes(blob) == JPEG
    tampered = blob[:-5] + bytes([blob[-5] ^ 1]) + blob[-4:]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt_bytes(tampered)


def test_a_rotated_key_still_reads_old_files_and_reencrypt_rewrites_them(social_worker, case, note, settings):
    (attachment,) = services.attachments_add(actor=social_worker, case=case, files=[photo()], note=note)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]
    settings.FIELD_CIPHER = "sm4"
    assert file_read(attachment.stored) == JPEG  # the old key still reads it
    newer = file_store(b"new")
    assert newer.startswith("sm4gcm:2027a:")
    out = io.StringIO()
    with pytest.raises(Exception, match="not yet under"):
        call_command("reencrypt", "--check", stdout=out)
    assert "casework.Attachment.stored (files): 1" in out.getvalue()
    with_hooks = io.StringIO()
    call_command("reencrypt", stdout=with_hooks)
    assert "casework.Attachment.stored: 1 files" in with_hooks.getvalue()
    attachment.refresh_from_db()
    assert attachment.stored.startswith("sm4gcm:2027a:")
    assert stored_bytes(attachment.stored).startswith(b"swb1:sm4gcm:2027a\n")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can go
    assert file_read(attachment.stored) == JPEG
    assert Attachment.objects.get().original_name == "家访照片.jpg"


def test_reencrypt_deletes_the_old_file_once_committed(
    social_worker, case, note, settings, django_capture_on_commit_callbacks
):
    (attachment,) = services.attachments_add(actor=social_worker, case=case, files=[photo()], note=note)
    old_name = storage_name(attachment.stored)
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("reencrypt", stdout=io.StringIO())
    assert not default_storage.exists(old_name)


# Who may open a file


@pytest.fixture
def opened(social_worker, case, note):
    (attachment,) = services.attachments_add(
        actor=social_worker, case=case, files=[photo(), SimpleUploadedFile("报告.pdf", PDF)], note=note
    )[:1]
    return attachment


def test_who_sees_the_case_opens_the_file_decrypted_and_each_opening_is_audited(
    as_user, social_worker, supervisor, station_manager, opened
):
    url = reverse("casework:attachment", args=[opened.pk])
    for person in (social_worker, supervisor, station_manager, social_worker):
        response = as_user(person).get(url)
        assert response.status_code == 200
        assert response.content == JPEG
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=UTF-8''%E5%AE%B6" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"] and response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
    rows = AuditEntry.objects.filter(action="attachment.open", target_id=str(opened.pk))
    assert rows.count() == 4
    assert sorted(rows.values_list("actor__username", flat=True)) == sorted(
        ["worker_a", "worker_a", "supervisor", "manager_a"]
    )
    assert all("家访" not in row.summary for row in rows)


@pytest.mark.parametrize(
    "who", ["other_worker", "other_station_manager", "district_admin", "auditor", "org_staff", "colleague"]
)
def test_who_does_not_see_the_case_gets_404_and_nothing_is_audited_as_opened(as_user, request, opened, who):
    person = request.getfixturevalue(who)
    response = as_user(person).get(reverse("casework:attachment", args=[opened.pk]))
    assert response.status_code == 404
    assert JPEG not in response.content
    assert not AuditEntry.objects.filter(action="attachment.open").exists()


def test_a_logged_out_person_is_sent_to_log_in(client, opened):
    response = client.get(reverse("casework:attachment", args=[opened.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


# The note form with the phone's camera


def test_the_note_forms_carry_the_camera_input(as_user, social_worker, case):
    browser = as_user(social_worker)
    for page in (case.get_absolute_url(), reverse("casework:note_add", args=[case.pk])):
        html = browser.get(page).content.decode()
        assert 'enctype="multipart/form-data"' in html
        assert 'type="file" name="attachments"' in html
        assert 'accept="image/*,application/pdf"' in html and 'capture="environment"' in html
        assert " multiple" in html


def test_a_note_with_photos_lists_them_on_the_case_page_and_in_the_printed_file(
    as_user, social_worker, case, django_assert_max_num_queries
):
    browser = as_user(social_worker)
    response = browser.post(
        reverse("casework:note_add", args=[case.pk]),
        {
            "note-noted_on": case.intake_on.isoformat(), "note-method": "home_visit", "note-minutes": "40",
            "note-content": "入户走访，拍了照片", "attachments": [photo(), SimpleUploadedFile("低保证明.pdf", PDF)],
        },
    )  # fmt: skip
    assert response.status_code == 302
    note = case.notes.get()
    assert [a.original_name for a in note.attachments.all()] == ["家访照片.jpg", "低保证明.pdf"]
    html = browser.get(case.get_absolute_url()).content.decode()
    assert (
        "家访照片.jpg" in html and reverse("casework:attachment", args=[note.attachments.first().pk]) in html
    )
    from casework.models import Case

    full = Case.objects.prefetch_related(*PREFETCH).get(pk=case.pk)
    events = [event for event in case_timeline(full) if event.kind == "note"]
    assert [a.original_name for a in events[0].files] == ["家访照片.jpg", "低保证明.pdf"]
    text = squeezed(pdf_text(case_file_pdf(case=full)))
    assert "家访照片.jpg" in text and "低保证明.pdf" in text


def test_a_refused_file_shows_under_the_input_and_saves_no_note(as_user, social_worker, case):
    response = as_user(social_worker).post(
        reverse("casework:note_add", args=[case.pk]),
        {
            "note-noted_on": case.intake_on.isoformat(), "note-method": "phone", "note-minutes": "5",
            "note-content": "电话", "attachments": [SimpleUploadedFile("病毒.exe", b"MZ")],
        },
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "病毒.exe" in html and "Only photos" in html
    assert not case.notes.exists() and not Attachment.objects.exists()


# Consent signed on the screen


def sign(actor, case, **overrides):
    client = case.clients.get()
    values = {
        "actor": actor, "client": client, "case": case, "consents_to_services": True,
        "consents_to_data_processing": True, "signer_name": "叶先生", "relationship": "self",
        "signature": signature_png(),
    }  # fmt: skip
    values.update(overrides)
    return services.consent_sign(**values)


def test_a_signed_consent_is_stored_encrypted_sets_the_clients_consent_and_joins_the_timeline(
    social_worker, case
):
    client = case.clients.get()
    Client.objects.filter(pk=client.pk).update(consents_to_services=False, consent_recorded_on=None)
    consent = sign(social_worker, case)
    client.refresh_from_db()
    assert client.consents_to_services and client.consents_to_data_processing
    assert client.consent_recorded_on == timezone.localdate()
    assert consent.taken_by == social_worker and consent.relationship == "self"
    assert b"IHDR" not in stored_bytes(consent.signature)
    assert file_read(consent.signature).startswith(b"\x89PNG")
    assert AuditEntry.objects.filter(action="consent.sign", target_id=str(client.pk)).exists()
    assert AuditEntry.objects.filter(action="client.update", target_id=str(client.pk)).exists()
    from casework.models import Case

    full = Case.objects.prefetch_related(*PREFETCH).get(pk=case.pk)
    consent_event = next(event for event in case_timeline(full) if event.kind == "consent")
    assert (
        consent_event.actor == social_worker
        and ("Signed by", "叶先生（The client）") in consent_event.details
    )


@pytest.mark.parametrize(
    ("signature", "words"),
    [
        (signature_png(ink=False), "blank"),
        (b"GIF89a" + b"0" * 100, "not a PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"broken", "not a PNG"),
        (b"\x89PNG\r\n\x1a\n" + b"0" * (600 * 1024), "too large"),
    ],
)
def test_a_blank_fake_or_huge_signature_is_refused(social_worker, case, signature, words):
    with pytest.raises(ValidationError, match=words):
        sign(social_worker, case, signature=signature)
    assert not ClientConsent.objects.exists()


def test_consent_without_the_processing_of_data_or_a_signers_name_is_refused(social_worker, case):
    with pytest.raises(ValidationError, match="processing"):
        sign(social_worker, case, consents_to_data_processing=False)
    with pytest.raises(ValidationError, match="name of the person"):
        sign(social_worker, case, signer_name=" ")


def test_who_does_not_see_the_case_cannot_take_a_signature(other_worker, case):
    with pytest.raises(ValidationError):
        sign(other_worker, case)


def test_the_signed_consent_prints_with_its_signature_taker_and_time(social_worker, case, tmp_path):
    sign(social_worker, case, signer_name="叶监护人", relationship="guardian")
    from casework.models import Case

    document = case_file_pdf(case=Case.objects.prefetch_related(*PREFETCH).get(pk=case.pk))
    text = squeezed(pdf_text(document))
    assert "叶监护人" in text and "Guardian" in text and squeezed(str(social_worker)) in text
    assert b"/Subtype /Image" in document
    (tmp_path / "case.pdf").write_bytes(document)
    import shutil

    shots = "/work/wt/shots/attachments"
    if shutil.which("pdftoppm"):
        import subprocess

        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(tmp_path / "case.pdf"),
                        f"{shots}/case-file"], check=False)  # fmt: skip


def test_the_consent_page_takes_the_signature_from_the_pad(as_user, social_worker, case):
    browser = as_user(social_worker)
    url = reverse("casework:consent_sign", args=[case.pk])
    html = browser.get(url).content.decode()
    assert "data-signature-pad" in html and "js/signature.js" in html and "<script>" not in html
    client = case.clients.get()
    form = {
        "client": client.pk, "consents_to_services": "on", "consents_to_data_processing": "on",
        "signer_name": "叶先生", "relationship": "self",
    }  # fmt: skip
    blank = browser.post(url, {**form, "signature": ""})
    assert blank.status_code == 400 and "Sign in the box first" in blank.content.decode()
    response = browser.post(url, {**form, "signature": data_url(signature_png())})
    assert response.status_code == 302
    assert ClientConsent.objects.get().case == case


def test_a_consent_signed_offline_is_sent_once_and_its_page_is_kept_on_the_phone(
    as_user, social_worker, other_worker, case
):
    """The consent page is one a phone keeps; signed without a connection, the phone sends it
    later with its key, perhaps twice, and one consent is kept. Sent for a case that has left the
    worker's hands, it comes back with the reason."""
    from casework.field_selectors import field_urls

    url = reverse("casework:consent_sign", args=[case.pk])
    assert url in field_urls(social_worker)
    html = as_user(social_worker).get(url).content.decode()
    assert 'data-field-entry="consent"' in html and 'name="entry_key"' in html
    form = {
        "client": case.clients.get().pk, "consents_to_services": "on", "consents_to_data_processing": "on",
        "signer_name": "叶先生", "relationship": "self", "signature": data_url(signature_png()),
        "entry_key": "7d0c1d2e-5b8a-4f3c-9a57-2f1d6f0e8b11",
    }  # fmt: skip
    browser = as_user(social_worker)
    first = browser.post(url, form, HTTP_X_FIELD_SYNC="1")
    again = browser.post(url, form, HTTP_X_FIELD_SYNC="1")
    assert first.json() == {"status": "saved", "url": case.get_absolute_url(), "repeat": False}
    assert again.json()["repeat"] is True
    assert ClientConsent.objects.filter(case=case).count() == 1
    refused = as_user(other_worker).post(
        url, {**form, "entry_key": "0b5e3a1c-8d2f-4e6a-b7c9-1a2b3c4d5e6f"}, HTTP_X_FIELD_SYNC="1"
    )
    assert refused.status_code == 422 and "no longer in your hands" in refused.json()["message"]
    assert ClientConsent.objects.filter(case=case).count() == 1


def test_the_consent_page_is_closed_to_who_cannot_write_the_case(as_user, other_worker, district_admin, case):
    url = reverse("casework:consent_sign", args=[case.pk])
    assert as_user(other_worker).get(url).status_code == 404
    assert as_user(district_admin).get(url).status_code == 404


# Erasure and the subject's copy


def test_erasing_a_client_deletes_their_stored_files(
    social_worker, station_manager, case, note, django_capture_on_commit_callbacks
):
    (attachment,) = services.attachments_add(actor=social_worker, case=case, files=[photo()], note=note)
    consent = sign(social_worker, case)
    names = [storage_name(attachment.stored), storage_name(consent.signature)]
    assert all(default_storage.exists(name) for name in names)
    services.case_move(
        actor=social_worker, case=case, move="close_direct", reason="服务对象搬离"
    ) if False else None
    client = case.clients.get()
    from casework.models import Case

    Case.objects.filter(pk=case.pk).update(status=Case.Status.CLOSED)
    services.client_remove(actor=station_manager, client=client, reason="超过保存期限")
    Client.objects.filter(pk=client.pk).update(removed_at=timezone.now() - timedelta(days=4000))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.clients_purge() >= 1
    assert not Attachment.objects.exists() and not ClientConsent.objects.exists()
    assert not any(default_storage.exists(name) for name in names)


def test_the_subject_export_lists_attachments_and_consents_without_where_they_are_stored(
    social_worker, case, note
):
    services.attachments_add(actor=social_worker, case=case, files=[photo()], note=note)
    sign(social_worker, case)
    from casework.services.clients import client_subject_export

    data = client_subject_export(actor=social_worker, client=case.clients.get())
    (attachment,) = data["cases"][0]["attachments"]
    assert attachment["original_name"] == "家访照片.jpg" and "stored" not in attachment
    (consent,) = data["signed_consents"]
    assert consent["signer_name"] == "叶先生" and "signature" not in consent


def test_the_admin_never_shows_where_the_bytes_are(as_user, network, opened):
    superuser = make_user(
        "root", Role.DISTRICT_ADMIN, unit=network.centre, region=network.district, is_staff=True
    )
    superuser.is_superuser = True
    superuser.save()
    html = as_user(superuser).get(reverse("admin:casework_attachment_changelist")).content.decode()
    assert "encrypted/" not in html


# The field pages (casework.views.field) take the camera's photos too


def test_the_field_note_and_home_visit_forms_take_photos_and_a_repeated_send_stores_them_once(
    as_user, social_worker, case
):
    browser = as_user(social_worker)
    for name in ("casework:field_note", "casework:field_visit"):
        html = browser.get(reverse(name, args=[case.pk])).content.decode()
        assert 'type="file" name="attachments"' in html and 'capture="environment"' in html
    key = "0b8a6a4e-8c57-4e0f-9d55-1c0c3a3f0a11"
    visit = {
        "visited_on": case.intake_on.isoformat(), "people_present": "案主、母亲", "observations": "屋顶漏雨",
        "entry_key": key,
    }  # fmt: skip
    for _attempt in range(2):
        response = browser.post(
            reverse("casework:field_visit", args=[case.pk]), {**visit, "attachments": [photo("屋顶.jpg")]},
            HTTP_X_FIELD_SYNC="1",
        )  # fmt: skip
        assert response.status_code == 200, response.content
    (home_visit,) = case.home_visits.all()
    assert [a.original_name for a in home_visit.attachments.all()] == ["屋顶.jpg"]
    assert Attachment.objects.count() == 1
    response = browser.post(
        reverse("casework:field_note", args=[case.pk]),
        {
            "noted_on": case.intake_on.isoformat(), "method": "home_visit", "minutes": "20", "content": "送物资",
            "attachments": [SimpleUploadedFile("病毒.exe", b"MZ")],
        },
        HTTP_X_FIELD_SYNC="1",
    )  # fmt: skip
    assert response.status_code == 422 and "Photos and documents" in response.json()["errors"]
    assert not case.notes.exists()
    html = browser.get(case.get_absolute_url()).content.decode()
    assert "屋顶.jpg" in html
