"""Workers' ID numbers and phones encrypted (socialwork/crypto), with what must keep working:
typing the end of a number, the whole number (appointments, admin), duplicate refusal and the
migration that encrypts the rows already on record."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from positions.models import SocialWorker
from positions.selectors.pickers import workers_matching
from positions.services.workforce import worker_save
from socialwork.crypto.migration_ops import compute_shown, encrypt_columns
from socialwork.idnumbers import check_character

NEW_DIGEST_KEY = "d2027:" + "ZDI3" * 10 + "ZDI="


def number(serial: int) -> str:
    first17 = f"42050619900101{serial:03d}"
    return first17 + check_character(first17)


def raw(worker, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM positions_socialworker WHERE id = %s", [worker.pk])  # noqa: S608
        return cursor.fetchone()[0]


def save(actor, serial, **fields):
    return worker_save(
        actor=actor, name=f"社工{serial}", id_number=number(serial), phone="13900001111", **fields
    )


def test_a_workers_id_number_and_phone_are_encrypted_with_a_digest_and_the_shown_tail(district_admin):
    worker = save(district_admin, 123)
    assert raw(worker, "id_number").startswith("fernet:dev1:") and number(123) not in raw(worker, "id_number")
    assert raw(worker, "phone").startswith("fernet:dev1:")
    assert raw(worker, "id_number_digest").startswith("dev1:h2:")
    assert raw(worker, "id_number_tail") == number(123)[-4:]  # what the masked number shows anyway
    assert raw(worker, "id_number_masked") == "420506********" + number(123)[-4:]  # as lists show it
    fresh = SocialWorker.objects.get(pk=worker.pk)
    assert (fresh.id_number, fresh.phone) == (number(123), "13900001111")


def test_typing_the_end_or_the_whole_of_an_id_number_still_finds_the_worker(district_admin):
    wanted, other = save(district_admin, 123), save(district_admin, 456)
    workers = SocialWorker.objects.all()
    for typed in (number(123)[-4:], number(123)[-7:], number(123), number(123).lower()):
        assert list(workers_matching(workers, typed)) == [wanted], typed
    assert list(workers_matching(workers, "9" + number(123)[-6:])) == []
    assert other not in workers_matching(workers, number(123)[-4:])


def test_a_second_worker_with_the_same_id_number_is_refused_on_the_field_even_while_the_digest_key_rotates(
    district_admin, settings
):
    save(district_admin, 123)
    with pytest.raises(ValidationError) as error:
        save(district_admin, 123)
    assert error.value.message_dict["id_number"] == ["Another social worker already has this ID number."]
    settings.FIELD_DIGEST_KEYS = [
        NEW_DIGEST_KEY,
        *settings.FIELD_DIGEST_KEYS,
    ]  # the first is under the old key
    with pytest.raises(ValidationError) as error:
        save(district_admin, 123)
    assert error.value.message_dict["id_number"] == ["Another social worker already has this ID number."]


def test_changing_only_the_id_number_with_update_fields_keeps_its_digest_and_tail(district_admin):
    worker = save(district_admin, 123)
    worker.id_number = number(789)
    worker.save(update_fields=["id_number"])
    assert raw(worker, "id_number_tail") == number(789)[-4:]
    assert raw(worker, "id_number_masked") == "420506********" + number(789)[-4:]
    assert list(workers_matching(SocialWorker.objects.all(), number(789))) == [worker]


def test_the_migration_encrypts_the_plain_rows_on_record_in_batches_and_runs_again_harmlessly(district_admin):
    workers = [save(district_admin, n) for n in range(5)]
    with connection.cursor() as cursor:  # as the rows were before: plain, without digest or tail
        for worker in workers[:3]:
            cursor.execute(
                "UPDATE positions_socialworker SET id_number = %s, phone = %s, id_number_digest = '', "
                "id_number_tail = '' WHERE id = %s",
                [worker.id_number, "1390000000" + str(worker.pk % 10), worker.pk],
            )
    forward, backward = encrypt_columns("positions", "SocialWorker", "id_number", "phone", batch=2)
    forward(apps, None)
    forward(apps, None)  # a second run (a resumed one) changes nothing
    for n, worker in enumerate(workers):
        assert raw(worker, "id_number").startswith("fernet:dev1:")
        assert raw(worker, "id_number_tail") == number(n)[-4:]
        assert list(workers_matching(SocialWorker.objects.all(), number(n))) == [worker]
    backward(apps, None)
    assert raw(workers[0], "id_number") == number(0)


def test_the_migration_shows_the_masked_numbers_of_the_workers_on_record(district_admin):
    workers = [save(district_admin, n) for n in range(5)]
    with connection.cursor() as cursor:  # as the rows were before the column: its default
        cursor.execute("UPDATE positions_socialworker SET id_number_masked = ''")
    compute_shown("positions", "SocialWorker", "id_number", batch=2)(apps, None)
    assert [raw(worker, "id_number_masked") for worker in workers] == [
        f"420506********{number(n)[-4:]}" for n in range(5)
    ]
