"""Encrypted columns with keys of their own (socialwork/crypto): rotation, SM4, the former
package's values, failed decryption as an error, the start-up check and `manage.py reencrypt`."""

import pytest
from cryptography.fernet import Fernet
from django.core.checks import Error
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.core.management.base import CommandError, SystemCheckError
from django.db import connection
from django.utils.crypto import salted_hmac

import socialwork.crypto as crypto
from casework.models import Client
from casework.selectors import known_person
from socialwork.crypto import keyring as kr
from socialwork.crypto.checks import check_encrypted_columns
from socialwork.idnumbers import check_character
from socialwork.models import AuditEntry
from tests.casework.factories import make_client

NEW_KEY = "2027a:" + "bmV3" * 10 + "bmU="
NEW_DIGEST_KEY = "d2027:" + "ZDI3" * 10 + "ZDI="


def id_number(serial: int = 123) -> str:
    first17 = f"42050619800101{serial:03d}"
    return first17 + check_character(first17)


def raw(client, column="id_number"):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM casework_client WHERE id = %s", [client.pk])  # noqa: S608
        return cursor.fetchone()[0]


def write_raw(client, **columns):
    with connection.cursor() as cursor:
        for column, value in columns.items():
            cursor.execute(f"UPDATE casework_client SET {column} = %s WHERE id = %s", [value, client.pk])  # noqa: S608


def reencrypt(*args):
    call_command("reencrypt", *args, stdout=(out := __import__("io").StringIO()))
    return out.getvalue()


def legacy_client(social_worker, settings, number):
    """A client as the former package (django-fernet-encrypted-fields) left them: Fernet under
    PBKDF2(secret key, salt), the digest keyed by the secret key."""
    client = make_client(social_worker, name="旧案主", id_number=number, phone="13800000000", address="旧址")
    key = kr.legacy_keys((settings.SECRET_KEY,), tuple(settings.FIELD_ENCRYPTION_LEGACY_SALTS))[0]
    old = Fernet(key)
    write_raw(
        client,
        id_number=old.encrypt(number.encode()).decode(),
        phone=old.encrypt(b"13800000000").decode(),
        address=old.encrypt("旧址".encode()).decode(),
        id_number_digest=salted_hmac("casework.client.id_number", number, algorithm="sha256").hexdigest(),
    )
    return client


def test_values_are_stored_under_their_cipher_and_key_id_and_read_back(social_worker):
    client = make_client(social_worker, id_number=id_number(), phone="13812345678", address="清水湾社区")
    assert raw(client).startswith("fernet:dev1:")
    assert raw(client, "id_number_digest").startswith("dev1:h2:")
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (id_number(), "13812345678", "清水湾社区")


def test_rotating_the_secret_key_changes_nothing_on_screen_or_in_duplicate_detection(social_worker, settings):
    client = make_client(social_worker, id_number=id_number(), phone="13812345678")
    settings.SECRET_KEY = "another-secret-" + "z" * 50
    settings.FIELD_ENCRYPTION_LEGACY_SALTS = []
    fresh = Client.objects.get(pk=client.pk)
    assert (fresh.id_number, fresh.phone) == (id_number(), "13812345678")
    assert [c.pk for c in known_person(user=social_worker, id_number=id_number()).visible] == [client.pk]


def test_a_value_that_does_not_decrypt_is_an_error_and_never_shows_its_ciphertext(
    social_worker, settings, client
):
    person = make_client(social_worker, id_number=id_number(), phone="13812345678")
    token = raw(person, "phone")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the key the values were made with is gone
    with pytest.raises(crypto.DecryptionError) as error:
        Client.objects.get(pk=person.pk)
    assert "dev1" in str(error.value) and token not in str(error.value)
    # The former package returned the ciphertext as the value; the page now fails instead.
    client.raise_request_exception = False
    client.force_login(social_worker)
    page = client.get(person.get_absolute_url())
    assert page.status_code == 500
    assert token.split(":")[-1][:20] not in page.content.decode()


def test_a_tampered_value_does_not_decrypt_under_either_cipher(social_worker, settings):
    for cipher in ("fernet", "sm4"):
        settings.FIELD_CIPHER = cipher
        person = make_client(social_worker, phone="13812345678")
        stored = raw(person, "phone")
        payload = stored.split(":")[2]
        flipped = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
        write_raw(person, phone=stored.replace(payload, flipped))
        with pytest.raises(crypto.DecryptionError):
            Client.objects.get(pk=person.pk)


def test_sm4_gcm_values_authenticate_their_header(social_worker, settings):
    settings.FIELD_CIPHER = "sm4"
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]
    person = make_client(social_worker, id_number=id_number(), address="清水湾社区")
    stored = raw(person, "address")
    assert stored.startswith("sm4gcm:2027a:") and "清水湾" not in stored
    assert raw(person, "id_number_digest").startswith("dev1:s3:")  # HMAC-SM3 with SM4
    assert Client.objects.get(pk=person.pk).address == "清水湾社区"
    write_raw(person, address=stored.replace("sm4gcm:2027a:", "sm4gcm:dev1:"))  # claims another key
    with pytest.raises(crypto.DecryptionError):
        Client.objects.get(pk=person.pk)


def test_an_encrypted_column_cannot_be_searched_only_tested_for_null(social_worker):
    make_client(social_worker, phone="13812345678")
    with pytest.raises(FieldError):
        Client.objects.filter(phone="13812345678").count()
    with pytest.raises(FieldError):
        Client.objects.filter(phone__icontains="138").count()
    assert Client.objects.filter(phone__isnull=False).count() == 1


def test_values_of_the_former_package_read_until_reencrypt_moves_them_then_the_salt_can_go(
    social_worker, settings
):
    number = id_number()
    person = legacy_client(social_worker, settings, number)
    assert Client.objects.get(pk=person.pk).id_number == number
    assert [c.pk for c in known_person(user=social_worker, id_number=number).visible] == [person.pk]
    with pytest.raises(CommandError):
        reencrypt("--check")
    out = reencrypt()
    assert "casework.Client: 1/1 rows" in out
    assert raw(person).startswith("fernet:dev1:") and raw(person, "id_number_digest").startswith("dev1:h2:")
    assert "older keys may be removed" in reencrypt("--check")
    settings.FIELD_ENCRYPTION_LEGACY_SALTS = []
    fresh = Client.objects.get(pk=person.pk)
    assert (fresh.id_number, fresh.phone, fresh.address) == (number, "13800000000", "旧址")
    assert [c.pk for c in known_person(user=social_worker, id_number=number).visible] == [person.pk]
    row = AuditEntry.objects.get(action="fields.reencrypt")
    assert row.target_id == "fernet:dev1" and number not in str(row.changes)


def test_rotating_the_encryption_key_leaves_digests_and_the_old_key_can_go_after_reencrypt(
    social_worker, settings
):
    people = [make_client(social_worker, id_number=id_number(n), phone=f"1380000000{n}") for n in range(3)]
    digests = [raw(p, "id_number_digest") for p in people]
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]
    newcomer = make_client(social_worker, id_number=id_number(9))
    assert raw(newcomer).startswith("fernet:2027a:") and raw(people[0]).startswith("fernet:dev1:")  # mixed
    out = reencrypt("--batch-size", "2")
    assert "casework.Client: 3/3 rows" in out and "rows/s" in out
    assert [raw(p, "id_number_digest") for p in people] == digests  # the digest key did not change
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    assert [Client.objects.get(pk=p.pk).phone for p in people] == [f"1380000000{n}" for n in range(3)]
    assert [c.pk for c in known_person(user=social_worker, id_number=id_number(1)).visible] == [people[1].pk]


def test_switching_fernet_to_sm4_is_the_same_reencryption_and_recomputes_digests_with_sm3(
    social_worker, settings
):
    people = [make_client(social_worker, id_number=id_number(n), address=f"{n}号") for n in range(3)]
    settings.FIELD_CIPHER = "sm4"
    # Until the digests are recomputed, the SHA-256 ones still find their person.
    assert [c.pk for c in known_person(user=social_worker, id_number=id_number(2)).visible] == [people[2].pk]
    reencrypt()
    assert all(raw(p).startswith("sm4gcm:dev1:") for p in people)
    assert all(raw(p, "id_number_digest").startswith("dev1:s3:") for p in people)
    assert [Client.objects.get(pk=p.pk).address for p in people] == ["0号", "1号", "2号"]
    assert [c.pk for c in known_person(user=social_worker, id_number=id_number(2)).visible] == [people[2].pk]


def test_rotating_the_digest_key_needs_reencrypt_to_recompute_digests(social_worker, settings):
    person = make_client(social_worker, id_number=id_number())
    settings.FIELD_DIGEST_KEYS = [NEW_DIGEST_KEY, *settings.FIELD_DIGEST_KEYS]
    # Before the run, the digest under the old key still finds the person (every key is tried).
    assert [c.pk for c in known_person(user=social_worker, id_number=id_number()).visible] == [person.pk]
    encrypted = raw(person)
    reencrypt()
    assert raw(person, "id_number_digest").startswith("d2027:h2:")
    settings.FIELD_DIGEST_KEYS = [NEW_DIGEST_KEY]
    assert [c.pk for c in known_person(user=social_worker, id_number=id_number()).visible] == [person.pk]
    assert raw(person).startswith("fernet:dev1:") and raw(person) != encrypted  # rewritten, same key


def test_an_interrupted_run_resumes_where_the_work_is(social_worker, settings):
    people = [make_client(social_worker, phone=f"1390000000{n}") for n in range(5)]
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]
    out = reencrypt("--batch-size", "2", "--max-batches", "1")
    assert "2/5 rows" in out and "3 left" in out
    moved = [raw(p, "phone").startswith("fernet:2027a:") for p in people]
    assert moved == [True, True, False, False, False]
    with pytest.raises(CommandError, match="3 values are not yet under"):
        reencrypt("--check")
    out = reencrypt("--batch-size", "2")
    assert "3/3 rows" in out  # only what was left
    assert all(raw(p, "phone").startswith("fernet:2027a:") for p in people)
    assert "0 rows rewritten" in reencrypt()


def test_the_start_up_check_fails_loudly_when_stored_values_do_not_decrypt(social_worker, settings):
    make_client(social_worker, id_number=id_number(), phone="13812345678")
    assert check_encrypted_columns(databases=["default"]) == []
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    errors = check_encrypted_columns(databases=["default"])
    assert [e.id for e in errors] == ["socialwork.E902"] * 2 and all(isinstance(e, Error) for e in errors)
    assert "casework.Client.id_number: 1 of the latest values (1 under fernet/dev1)" in errors[0].msg
    with pytest.raises(SystemCheckError):
        call_command("check", databases=["default"])


def test_new_key_prints_a_key_the_settings_accept():
    out = reencrypt("--new-key", "2028a").strip()
    assert list(kr.parse_keys([out], "FIELD_ENCRYPTION_KEYS")) == ["2028a"]
    with pytest.raises(CommandError):
        reencrypt("--new-key", "no spaces allowed")


def test_the_wsgi_start_up_refuses_to_serve_when_values_do_not_decrypt(social_worker, settings):
    from django.core.exceptions import ImproperlyConfigured

    from socialwork.crypto.checks import startup_check

    make_client(social_worker, phone="13812345678")
    settings.FIELD_ENCRYPTION_STARTUP_CHECK = True
    startup_check()  # the keys read what is stored
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(ImproperlyConfigured, match="casework.Client.phone"):
        startup_check()


@pytest.mark.django_db(transaction=True)
def test_reencrypt_leaves_a_row_someone_is_saving_for_the_next_pass_and_never_overwrites_it(settings):
    import threading

    from django.db import transaction

    from socialwork.crypto.columns import protected_columns
    from socialwork.crypto.services import reencrypt_batch
    from socialwork.roles import Role
    from tests.factories import make_region, make_unit, make_user

    if connection.vendor != "postgresql":
        pytest.skip("row locks are proven on PostgreSQL")
    district = make_region("测试区", "district")
    town = make_region("甲镇", "town", district)
    community = make_region("甲社区", "community", town)
    station = make_unit("甲镇站", "station", make_unit("中心", "centre", None, district), town)
    worker = make_user("w0", Role.SOCIAL_WORKER, unit=station)
    people = [make_client(worker, community=community, phone=f"1370000000{n}") for n in range(3)]
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, *settings.FIELD_ENCRYPTION_KEYS]
    locked, release = threading.Event(), threading.Event()

    def someone_saving():  # a person's save of the second client, holding its row
        try:
            with transaction.atomic():
                person = Client.objects.select_for_update().get(pk=people[1].pk)
                locked.set()
                release.wait(10)
                person.phone = "13999999999"
                person.save(update_fields=["phone"])
        finally:
            connection.close()

    thread = threading.Thread(target=someone_saving)
    thread.start()
    assert locked.wait(10)
    column = next(c for c in protected_columns() if c.label == "casework.Client")
    assert reencrypt_batch(column, [p.pk for p in people]) == (2, 1)  # two rewritten, one busy
    release.set()
    thread.join()
    assert Client.objects.get(pk=people[1].pk).phone == "13999999999"  # the person's save stands
    assert raw(people[1], "phone").startswith("fernet:2027a:")  # made under the new key by the save
    assert "older keys may be removed" in reencrypt("--check")


def test_another_part_can_build_its_own_keyring_whose_subkeys_differ_from_the_fields(settings):
    settings.BACKUP_KEYS = list(settings.FIELD_ENCRYPTION_KEYS)  # the same key, another purpose
    backups = kr.keyring_from_setting("BACKUP_KEYS", "backups")
    assert backups.current_id == "dev1"
    assert backups.subkey("dev1", "fernet") != crypto.encryption_keyring().subkey("dev1", "fernet")
    token = kr.encrypt(backups, kr.SM4GCM, "备份")
    assert kr.decrypt(backups, token) == "备份"
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token)
