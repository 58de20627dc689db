"""Schemathesis against the API the project serves at /api/schema/: every operation, with a bounded
number of generated requests, answers without a server error and with a response its schema
describes. Runs in-process against the WSGI application, as a district administrator (every
operation) and as a social worker (the casework operations, whose records a district administrator
does not see), on the demo district.

Requests are valid and invalid (`mode: all`): an invalid one, such as `abc` for an id, must be a
4xx too. Each generated request runs in a savepoint that is rolled back, so examples do not feed
each other and the run is the same every time (`derandomize`). The stateful test then chains
requests the way a client does, the id one answer gives into the next request (links inferred
from the schema), each chain in a savepoint of its own: what only a created record shows (an exam
for a real worker) is found there."""

import copy
import json
import re
import zlib
from datetime import date
from decimal import Decimal

import pytest
import schemathesis
from django.conf import settings
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.test import override_settings
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)

from casework.models import Group
from positions.models import AssessmentScheme, Grade, SocialWorker
from positions.services.allowance import allowance_roll_generate
from positions.services.assessment import assessment_record, assessment_scheme_save
from reports.export_tasks import export_start
from reports.services import report_request
from socialwork.models import User
from socialwork.tokens import api_token_create
from training.models import TrainingSeries
from training.services import certificates_issue

EXAMPLES = 20
# Chains of up to STEPS requests, CHAINS of them.
CHAINS = 50
STEPS = 10
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    response_headers_conformance,
]
# The casework endpoints: records a district administrator never sees, so fuzzed as their worker too.
CASEWORK = r"^/api/v1/(cases|clients|groups|activities|volunteers|advocacy|inbox)/"

app = get_wsgi_application()
raw_schema = SchemaGenerator().get_schema(request=None, public=True)
# Fuzzing only: the coverage phase alone would send some hundred requests per operation.
config = SchemathesisConfig.from_dict(
    {
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "mode": "all"},
    }
)
schema = schemathesis.openapi.from_dict(raw_schema, config=config)
casework_schema = schemathesis.openapi.from_dict(raw_schema, config=config).include(path_regex=CASEWORK)

# Filled by `demo`: the ids each collection really holds, by the path the collection is listed at.
known_ids: dict[str, list] = {}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district for the whole module, rolled back at its end."""
    # A storage of its own: the exports' files go with the module like its rows.
    fresh_storage = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(STORAGES=fresh_storage):
        call_command("seed_demo", verbosity=0)
        _seed_what_the_demo_lacks(User.objects.get(username="district"))
        tokens = {
            name: api_token_create(user=User.objects.get(username=name))[1] for name in ("district", "worker")
        }
        for name in ("district", "worker"):
            _collect_ids(User.objects.get(username=name))
        # The WSGI handler closes the connection after each request; here the requests share the test's.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            yield tokens
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
            known_ids.clear()
            transaction.set_rollback(True)


def _seed_what_the_demo_lacks(admin) -> None:
    """A record behind each detail endpoint the demo leaves empty."""
    scheme = assessment_scheme_save(
        actor=admin, year=2015, subject=AssessmentScheme.Subject.WORKER, title="2015年度社工考核",
        criteria=[("服务时数", Decimal(60)), ("个案质量", Decimal(40))],
        grade_rules=[(Grade.EXCELLENT, Decimal(90), "绩效上调", Decimal(300)),
                     (Grade.INCOMPETENT, Decimal(0), "绩效下调", Decimal(-200))],
    )  # fmt: skip
    assessment_record(
        actor=admin, scheme=scheme, subject=SocialWorker.objects.order_by("pk").first(),
        scores={criterion.pk: Decimal(80) for criterion in scheme.criteria.all()},
    )  # fmt: skip
    allowance_roll_generate(actor=admin, month=date(2015, 6, 1))
    certificates_issue(actor=admin, series=TrainingSeries.objects.order_by("pk").first())
    report_request(actor=admin, year=2015)
    known_ids["/api/v1/exports/"] = [export_start(user=admin, key="trainers", fmt="csv", query="")]
    group = Group.objects.order_by("pk").first()  # the demo's one group, the first listed
    for part in ("members", "sessions"):
        known_ids[f"/api/v1/groups/{{id}}/{part}/"] = list(
            getattr(group, part).order_by("pk").values_list("pk", flat=True)[:5]
        )


def _collect_ids(user) -> None:
    client = APIClient()
    client.force_authenticate(user)
    lists = [path for path, ops in raw_schema["paths"].items() if "get" in ops and "{" not in path]
    for path in lists:
        _collect(client, path, path)
    for path in list(known_ids):
        for nested in (p for p in raw_schema["paths"] if p.startswith(path + "{")):
            head, param, tail = re.match(r"(.*?)\{(\w+)\}/(.*)", nested).groups()
            if tail and "{" not in tail and "get" in raw_schema["paths"][nested] and known_ids.get(head):
                _collect(client, f"{head}{known_ids[head][0]}/{tail}", f"{head}{{{param}}}/{tail}")


def _collect(client, url: str, key: str) -> None:
    response = client.get(url)
    if response.status_code != 200 or not response["Content-Type"].startswith("application/json"):
        return  # not a list (a certificate's PDF)
    data = response.json()
    rows = data["results"] if isinstance(data, dict) and "results" in data else data
    if isinstance(rows, list):
        ids = [row["id"] for row in rows[:5] if isinstance(row, dict) and "id" in row]
        known_ids.setdefault(key, [])
        known_ids[key] += [i for i in ids if i not in known_ids[key]]


def _real_ids(context, path_parameters):
    """Most generated ids are swapped for ids that exist, so that detail and action endpoints do
    their work; the rest stay as generated, for the 404s. A parent id (`case_pk`) is the one whose
    children were listed."""
    if not path_parameters:
        return path_parameters
    template = context.operation.path
    names = re.findall(r"\{(\w+)\}", template)
    for position, name in enumerate(names):
        if not isinstance(path_parameters.get(name), int):
            continue  # an invalid id (`abc`) stays: it must be a 404
        ids = known_ids.get(template.split("{" + name + "}")[0]) or []
        choice = zlib.crc32(str(path_parameters.get(name)).encode()) % (len(ids) + 1)
        if choice < len(ids):
            path_parameters[name] = ids[0] if position < len(names) - 1 else ids[choice]
    return path_parameters


# The links the stateful phase infers are written into the schema it is given: a copy of its own.
stateful_schema = schemathesis.openapi.from_dict(
    copy.deepcopy(raw_schema),
    config=SchemathesisConfig.from_dict(
        {
            "phases": {
                "stateful": {
                    "enabled": True,
                    "max-steps": STEPS,
                    "inference": {"algorithms": ["dependency-analysis", "location-headers"]},
                }
            },
            "generation": {"max-examples": CHAINS, "deterministic": True},
        }
    ),
)
for fuzzed in (schema, casework_schema, stateful_schema):
    fuzzed.hook("map_path_parameters")(_real_ids)


def _call(case, token: str):
    with transaction.atomic():
        response = case.call(app=app, headers={"Authorization": f"Token {token}"})
        transaction.set_rollback(True)
    case.validate_response(response, checks=CHECKS)


fuzz = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The `db` fixture's transaction spans the examples; each example rolls back its own savepoint.
    # Requests reach the database, which is slower than Hypothesis expects of a data generator.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def test_the_fuzzed_schema_is_the_one_served(api, district_admin):
    served = api(district_admin).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert served.status_code == 200
    assert json.loads(served.content) == json.loads(json.dumps(raw_schema))


# What the fuzzing found, kept as plain examples.


def test_a_region_without_a_parent_is_refused_field_by_field_not_a_server_error(api, district_admin):
    response = api(district_admin).post("/api/v1/regions/", {"name": "新镇", "code": "X9", "level": "town"})
    assert response.status_code == 400 and "parent" in response.json()


def test_an_activity_year_no_date_has_is_refused_not_a_server_error(api, social_worker):
    assert api(social_worker).get("/api/v1/activities/", {"year": 0}).status_code == 400


@pytest.mark.django_db
@schema.parametrize()
@fuzz
def test_api_as_district_administrator(case, demo):
    _call(case, demo["district"])


@pytest.mark.django_db
@casework_schema.parametrize()
@fuzz
def test_casework_api_as_social_worker(case, demo):
    _call(case, demo["worker"])


class Chains(stateful_schema.as_state_machine()):
    """Each chain of requests in a savepoint rolled back at its end, as the district administrator."""

    token = ""

    def setup(self):
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def call(self, case, **kwargs):
        return case.call(app=app, headers={"Authorization": f"Token {self.token}"})

    def validate_response(self, response, case, additional_checks=None, **kwargs):
        case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
def test_api_chains_as_district_administrator(demo):
    Chains.token = demo["district"]
    Chains.run(
        settings=hypothesis_settings(
            fuzz, max_examples=CHAINS, stateful_step_count=STEPS, suppress_health_check=list(HealthCheck)
        )
    )
