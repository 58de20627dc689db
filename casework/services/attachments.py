"""Attachments of case records and consent signed on a phone's screen.

A photo or document joins a case (or one of its notes, home visits or signed consents) on the
same terms as a note: the person may write the case now (casework.workflow's `note_add`). Each
file is checked for what it really is and its size (socialwork.uploads) and stored encrypted
(socialwork.crypto.stored); the row keeps only the reference, the original name (encrypted), the
type and the size. Opening one is audited by the view that serves it.
"""

import base64
import binascii
import io
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casework import workflow
from casework.models import Attachment, Case, Client, ClientConsent, HomeVisit, ServiceNote
from casework.selectors import clients_visible_to
from socialwork.crypto.stored import file_delete, file_store
from socialwork.files import content_type_of
from socialwork.services import audit_record
from socialwork.uploads import IMAGE_SIGNATURES, validate_upload

# Photos (a phone's camera: JPEG, or HEIC on an iPhone; PNG and WebP screenshots) and PDF documents.
ATTACHMENT_EXTENSIONS = ("jpg", "jpeg", "png", "webp", "heic", "heif", "pdf")
ATTACHMENTS_AT_ONCE = 10
SIGNATURE_MAX_BYTES = 512 * 1024
SIGNATURE_MAX_SIDE = 4000
# A signature leaves at least this many dark pixels on the pad: a dot or a blank pad does not.
SIGNATURE_MIN_INK = 40


def attachments_check(files) -> None:
    """Refuse the whole upload when any file is of a kind not taken, larger than UPLOAD_MAX_BYTES,
    or not what its name says; the message names the file."""
    files = list(files or ())
    if len(files) > ATTACHMENTS_AT_ONCE:
        raise ValidationError(
            {"attachments": _("Attach at most %(count)d files at a time.") % {"count": ATTACHMENTS_AT_ONCE}}
        )
    errors = []
    for upload in files:
        try:
            validate_upload(upload, ATTACHMENT_EXTENSIONS, settings.UPLOAD_MAX_BYTES)
        except ValidationError as error:
            if error.code == "invalid_extension":
                error = ValidationError(
                    _("Only photos (JPEG, PNG, WebP, HEIC) and PDF documents can be attached.")
                )
            errors.extend(
                _("%(name)s: %(error)s") % {"name": upload.name, "error": message}
                for message in error.messages
            )
    if errors:
        raise ValidationError({"attachments": errors})


def _store_all(*, actor, case: Case, files, **parents) -> list[Attachment]:
    """Store each file encrypted and record it; the caller holds the transaction. A file already
    stored when a later one fails is deleted again."""
    stored: list[str] = []
    try:
        attachments = []
        for upload in files:
            upload.seek(0)
            data = upload.read()
            ref = file_store(data)
            stored.append(ref)
            attachments.append(
                Attachment.objects.create(
                    case=case,
                    stored=ref,
                    original_name=upload.name[:255],
                    content_type=content_type_of(upload.name),
                    size=len(data),
                    uploaded_by=actor,
                    **parents,
                )  # fmt: skip
            )
    except BaseException:
        for ref in stored:
            file_delete(ref)
        raise
    return attachments


def attachments_add(
    *, actor, case: Case, files, note: ServiceNote | None = None, home_visit: HomeVisit | None = None,
    consent: ClientConsent | None = None,
) -> list[Attachment]:  # fmt: skip
    """Attach photos or documents to a case, or to one of its notes, home visits or signed
    consents, as the person who may write the case now (the same check as adding a note). The
    record named must be the case's own."""
    files = list(files or ())
    if not files:
        return []
    attachments_check(files)
    for record in (note, home_visit, consent):
        if record is not None and record.case_id != case.pk:
            raise ValidationError(_("This record is not of this case."))
    from casework.services.cases import _locked_case

    with transaction.atomic():
        case = _locked_case(actor=actor, case=case)
        workflow.require(actor, case, "note_add")
        attachments = _store_all(
            actor=actor, case=case, files=files, note=note, home_visit=home_visit, consent=consent
        )
        audit_record(
            actor=actor, action="attachment.add", target=case, summary=str(case),
            changes={"attachments": [a.pk for a in attachments], "note": getattr(note, "pk", None),
                     "home_visit": getattr(home_visit, "pk", None), "consent": getattr(consent, "pk", None)},
        )  # fmt: skip
    return attachments


def attachment_open(*, actor, attachment: Attachment) -> None:
    """Record that `actor` opened an attachment (the view has found it through the cases they see)."""
    audit_record(
        actor=actor, action="attachment.open", target=attachment, summary=str(attachment.case),
        changes={"case": attachment.case_id},
    )  # fmt: skip


# Consent signed on the screen


def signature_png(data_url: str) -> bytes:
    """The PNG of a signature pad's `data:image/png;base64,…`."""
    head, _sep, payload = (data_url or "").partition(",")
    if head.strip().lower() != "data:image/png;base64" or not payload:
        raise ValidationError({"signature": _("Sign in the box first.")})
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": _("The signature did not arrive whole; sign again.")}) from None


def signature_check(png: bytes) -> None:
    """A real PNG, not too large, with a signature on it (not a blank pad, not a dot)."""
    if len(png) > SIGNATURE_MAX_BYTES:
        raise ValidationError(
            {"signature": _("The signature image is too large; clear the box and sign again.")}
        )
    if not png.startswith(IMAGE_SIGNATURES["png"]):
        raise ValidationError({"signature": _("The signature is not a PNG image; sign again.")})
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or max(image.size) > SIGNATURE_MAX_SIDE:
                raise ValidationError({"signature": _("The signature is not a PNG image; sign again.")})
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise ValidationError({"signature": _("The signature is not a PNG image; sign again.")}) from None
    # Ink: pixels darker than mid-grey once the pad's transparent background is laid on white.
    white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
    gray = ImageOps.grayscale(Image.alpha_composite(white, rgba))
    ink = sum(gray.point(lambda value: 255 if value < 128 else 0).histogram()[255:])
    if ink < SIGNATURE_MIN_INK:
        raise ValidationError({"signature": _("The box is blank: the client or guardian signs in it first.")})


def consent_sign(
    *, actor, client: Client, case: Case | None = None, consents_to_services: bool,
    consents_to_data_processing: bool, signer_name: str, relationship: str, signature: bytes, files=(),
) -> ClientConsent:  # fmt: skip
    """Keep the consent a client (or their guardian) signed on the screen, with who took it and
    when, and set the client's consent from it (through client_update, which records the day).
    The signature is a PNG with ink on it, stored encrypted. Consent to the processing of their
    data is what a signature here records; a withdrawal is a personal information request. On a
    case, the person must be able to write the case now; photos of a paper form may come with it."""
    signer_name = (signer_name or "").strip()
    if not signer_name:
        raise ValidationError({"signer_name": _("Give the name of the person who signs.")})
    if relationship not in ClientConsent.Relationship.values:
        raise ValidationError({"relationship": _("Say who signs: the client or their guardian.")})
    if not consents_to_data_processing:
        raise ValidationError(
            {
                "consents_to_data_processing": _(
                    "A signed consent records consent to the processing of the client's data."
                )
            }
        )
    signature_check(signature)
    attachments_check(files)
    from casework.services.cases import _locked_case
    from casework.services.clients import client_update

    with transaction.atomic():
        if not clients_visible_to(user=actor).filter(pk=client.pk).exists():
            raise ValidationError(_("This client is outside what you can see."))
        if case is not None:
            case = _locked_case(actor=actor, case=case)
            workflow.require(actor, case, "note_add")
            if not case.case_clients.filter(client=client).exists():
                raise ValidationError({"client": _("This client is not on this case.")})
        today: date = timezone.localdate()
        ref = file_store(signature)
        try:
            consent = ClientConsent.objects.create(
                client=client, case=case, consents_to_services=consents_to_services,
                consents_to_data_processing=True, signer_name=signer_name[:100], relationship=relationship,
                signature=ref, taken_by=actor, taken_at=timezone.now(),
            )  # fmt: skip
            client_update(
                actor=actor, client=client, consents_to_services=consents_to_services,
                consents_to_data_processing=True, consent_recorded_on=today,
            )  # fmt: skip
            attachments = (
                _store_all(actor=actor, case=case, files=files, consent=consent) if case and files else []
            )
        except BaseException:
            file_delete(ref)
            raise
        audit_record(
            actor=actor, action="consent.sign", target=client, summary=f"#{client.pk}",
            changes={"consent": consent.pk, "case": getattr(case, "number", None),
                     "relationship": relationship, "services": consents_to_services,
                     "attachments": [a.pk for a in attachments]},
        )  # fmt: skip
    return consent
