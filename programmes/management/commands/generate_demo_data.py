"""Generate synthetic, clearly labelled enterprises and applications at province scale.

    python manage.py generate_demo_data --enterprises 100000 --applications 1000000 --seed 1

What it writes (everything reproducible from ``--seed``, the sizes and ``--year``):

* the regions, industries and programmes of ``fixtures/01``, ``02`` and ``04`` when
  they are missing (reference data the synthetic records point to);
* one demo call per programme and year for the eight years up to ``--year``, coded
  ``demo-s<seed>-<programme>-<year>`` and titled ``[演示数据] …``;
* ``--enterprises`` enterprises named ``[演示数据] …（S<seed>-<n>）`` with valid,
  unique GB 32100-2015 credit codes, spread over Zhejiang's cities and Jiaxing's
  county-level units and over the industries of the fixtures, ``source`` set to
  ``generate_demo_data seed <seed>``;
* ``--applications`` applications with ``source_note`` ``generate_demo_data seed
  <seed>``: past rounds decided (granted, rejected, withdrawn …), the current
  round spread over the whole workflow, each with its typed detail record; a
  designation for each granted designation, and the ``open_public_notice``
  timeline event of each application in public notice (so that the notice page
  can say when the notice ends). Other timeline events are not generated.

Rows go in with ``bulk_create`` in batches (``--batch-size``), or on PostgreSQL with
``COPY … FROM STDIN`` (``--method copy``, the default there: several times faster,
see ``docs/benchmarks.md``). Primary keys are assigned here, so that detail rows
can point to their application without reading ids back; PostgreSQL's identity
sequences are reset afterwards.

No django-simple-history rows are written. History is the evidence of who changed
what; synthetic rows were changed by nobody, and a "+ created" row for each would
double the write volume (2.1 million more rows at full size) and the size of the
history tables, whose growth is then not what a real deployment sees. The
records still get history from their first real change on.

Deliberately not a production tool: it refuses to run unless ``DEBUG`` is on or
``--force`` is given. ``--clear`` removes every record an earlier run generated
(of any seed) before generating.
"""

import random
import sys
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import accumulate
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateTimeField, Max, Q
from django.utils import timezone

from enterprises.models import Enterprise, Industry, Membership, Region
from enterprises.validators import CREDIT_CODE_CHARSET, credit_code_check_character
from programmes import tally
from programmes.models import (
    Application,
    ApplicationEvent,
    ApplicationTally,
    Attachment,
    Call,
    Designation,
    DesignationDetail,
    Disbursement,
    Evaluation,
    Kind,
    Level,
    Objection,
    ProductDetail,
    ProductTier,
    Programme,
    ProjectCategory,
    ProjectDetail,
    ReviewAssignment,
    ReviewScore,
    RewardRule,
    Source,
)
from programmes.workflow import DECIDED, MOVES, SELECTED, Status

LABEL = "[演示数据] "
SOURCE_PREFIX = "generate_demo_data seed"
CALL_CODE_PREFIX = "demo-s"
YEARS = 8  # rounds per programme: the eight years up to --year
FIXTURES = settings.BASE_DIR / "fixtures"
REFERENCE_FIXTURES = {
    Region: "01_regions.json",
    Industry: "02_industries.json",
    Programme: "04_programmes.json",
}

# Where the enterprises are: Jiaxing (the model city) by county-level unit, the
# other cities as a whole. Weights are rough shares of enterprises above designated size.
REGION_WEIGHTS = {
    "330402": 6,
    "330411": 6,
    "330421": 6,
    "330424": 5,
    "330481": 8,
    "330482": 6,
    "330483": 7,
    "330400JK": 4,
    "330400ZP": 3,
    "330100": 16,
    "330200": 10,
    "330225": 2,
    "330300": 9,
    "330500": 5,
    "330600": 7,
    "330700": 6,
    "330800": 2,
    "330900": 1,
    "331000": 6,
    "331100": 2,
}
INDUSTRY_WEIGHTS = {
    "1741": 6,
    "1742": 8,
    "1743": 5,
    "1771": 3,
    "18": 10,
    "265": 5,
    "266": 5,
    "28": 6,
    "29": 8,
    "306": 3,
    "3073": 2,
    "31": 4,
    "32": 4,
    "C": 10,
    "F": 4,
    "I": 6,
    "M": 5,
}
# Programme code → relative number of applications per round.
PROGRAMME_WEIGHTS = {
    "zj-first-batch-new-materials": 8,
    "zj-new-industrial-products-technologies": 20,
    "zj-new-quality-valuable-products": 12,
    "central-ftdf-cocoon-silk": 4,
    "jx-municipal-sci-tech-projects": 22,
    "enterprise-technology-centres": 18,
    "academician-workstations": 3,
    "zj-enterprise-research-institutes": 8,
    "time-honored-brands": 5,
}

S = Status
# A round of an earlier year is decided: most applications rejected or granted.
PAST_MIX = [
    (S.DRAFT, 4),
    (S.WITHDRAWN, 8),
    (S.REJECTED, 52),
    (S.GRANTED, 30),
    (S.WARNED, 2),
    (S.EXPIRED, 3),
    (S.REVOKED, 1),
]
# This year's round is still moving through the workflow.
CURRENT_MIX = [
    (S.DRAFT, 10),
    (S.SUBMITTED, 12),
    (S.RETURNED, 4),
    (S.RESUBMITTED, 3),
    (S.RECOMMENDED, 12),
    (S.ACCEPTED, 8),
    (S.IN_REVIEW, 10),
    (S.REVIEWED, 6),
    (S.APPROVED, 4),
    (S.IN_PUBLIC_NOTICE, 4),
    (S.OBJECTION, 0.5),
    (S.GRANTED, 10),
    (S.REJECTED, 10),
    (S.WITHDRAWN, 5.5),
]
# Only designations are evaluated, warned, revoked or expire.
DESIGNATION_ONLY = {move.target for move in MOVES.values() if move.designation_only}

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华建国志红斌宇浩凯"
NAME_WORDS = "华越嘉禾恒丰新锐盛达宏远金帆天成永泰丝路博源瑞科众诚海纳"
TRADES = {
    "product": ["新材料", "纺织科技", "精密机械", "化纤", "塑胶", "电子科技"],
    "project": ["丝绸", "服饰", "印染", "智能制造", "科技"],
    "designation": ["实业", "科技", "工贸", "集团"],
}
PRODUCTS = [
    "高性能纳米涂层材料",
    "功能性真丝面料",
    "生物基聚酯薄膜",
    "高强度玻璃纤维",
    "特种陶瓷密封件",
    "阻燃再生纤维",
    "数码印花丝绸",
    "光学级PET基膜",
]
PROJECTS = ["数字化织造改造", "生态印染工艺升级", "功能性丝绸研发", "丝绸品牌推广", "智能车间建设"]
PLATFORMS = ["企业技术中心", "企业研究院", "院士工作站", "研发中心", "老字号传承工作室"]
PRODUCT_TIERS = [str(value) for value in ProductTier.values]
PROJECT_CATEGORIES = [str(value) for value in ProjectCategory.values]
INDICATORS = "关键性能指标达到国内领先水平（演示数据）"
IP_TEXT = "发明专利2项、实用新型专利5项（演示数据）"

TZ = timezone.get_fixed_timezone(8 * 60)  # Asia/Shanghai, without a database of zones
BODY_MODULUS = 31**7
BODY_MULTIPLIER = 1_000_003  # coprime to 31: a bijection of 0 … 31^7 - 1
SEEDS_IN_CODE_SPACE = BODY_MODULUS // 10_000_000


def credit_code(region_code: str, seed: int, number: int) -> str:
    """A valid code, unique for each (seed < 2,751, number < 10,000,000).

    The organisation part is ``MA`` and seven characters (as codes issued since
    2015 look), a scrambled rank of (seed, number); the 18th is the check character.
    """
    value = ((seed % SEEDS_IN_CODE_SPACE) * 10_000_000 + number) * BODY_MULTIPLIER % BODY_MODULUS
    body = ""
    for _ in range(7):
        value, digit = divmod(value, 31)
        body = CREDIT_CODE_CHARSET[digit] + body
    first17 = f"91{region_code[:6]}MA{body}"
    return first17 + credit_code_check_character(first17)


def local_datetime(day: date, seconds: int) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=TZ) + timedelta(seconds=seconds)


def concrete_columns(model) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


class Progress:
    """A plain progress line on stderr: count, rate and time left; no dependency."""

    def __init__(self, label: str, total: int, stream=None, quiet: bool = False):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.started = self.last = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()

    def advance(self, count: int) -> None:
        if not count:
            return
        self.done += count
        now = time.monotonic()
        if self.quiet or (now - self.last < (0.5 if self.tty else 10) and self.done < self.total):
            return
        self.last = now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate else 0
        width = 30
        filled = int(width * self.done / self.total) if self.total else width
        line = (
            f"{self.label:<13} [{'#' * filled}{'.' * (width - filled)}] "
            f"{self.done:>9,}/{self.total:,} {rate:>9,.0f}/s {left:>5.0f}s left"
        )
        self.stream.write(("\r" + line) if self.tty else line + "\n")
        if self.tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


class Writer:
    """Writes batches of rows (tuples in concrete-field order) for one model.

    ``bulk``: ``Model.objects.bulk_create`` (every value through the field's
    ``get_db_prep_save``). ``executemany``: one prepared INSERT run over the
    batch by the driver, datetimes adapted by the backend (Django's own adapter).
    ``copy``: PostgreSQL's ``COPY … FROM STDIN`` through psycopg.
    """

    def __init__(self, method: str):
        self.method = method
        self.rows = 0
        self.seconds = 0.0

    def write(self, model, rows: list[tuple]) -> None:
        if not rows:
            return
        started = time.monotonic()
        self.rows += len(rows)
        self._write(model, rows)
        self.seconds += time.monotonic() - started

    def _write(self, model, rows: list[tuple]) -> None:
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        columns = ", ".join(quote(column) for column in concrete_columns(model))
        if self.method == "copy":
            sql = f"COPY {table} ({columns}) FROM STDIN"
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
        elif self.method == "executemany":
            adapt = connection.ops.adapt_datetimefield_value
            stamps = [
                index
                for index, field in enumerate(model._meta.concrete_fields)
                if isinstance(field, DateTimeField)
            ]
            if stamps:
                rows = [list(row) for row in rows]
                for row in rows:
                    for index in stamps:
                        row[index] = adapt(row[index])
            placeholders = ", ".join(["%s"] * len(model._meta.concrete_fields))
            sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.executemany(sql, rows)
        else:
            # Positional arguments in concrete-field order: Django's fast path (as from_db).
            model.objects.bulk_create([model(*row) for row in rows], batch_size=len(rows))


@contextmanager
def stored_timestamps(*models):
    """Let ``bulk_create`` keep the generated created/updated times (not "now")."""
    saved = []
    for model in models:
        for field in model._meta.concrete_fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                saved.append((field, field.auto_now, field.auto_now_add))
                field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


@contextmanager
def fast_sqlite():
    """No fsync per batch while generating (dev data: a crash means generating again).

    SQLite: a big page cache and ``synchronous = OFF``; PostgreSQL: this connection's
    ``synchronous_commit`` off (the server's other connections are not affected).
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET synchronous_commit")
        return
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield  # (SQLite cannot change its safety level inside a transaction, as in tests)
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -400000")  # 400 MB
        cursor.execute("PRAGMA synchronous = OFF")
        cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous = FULL")


class Command(BaseCommand):
    help = "Generate labelled synthetic enterprises and applications (for benchmarks and demos)."
    # A data command, like loaddata: it needs the models, not the URL conf or the API.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=1_000)
        parser.add_argument("--applications", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--year",
            type=int,
            default=timezone.localdate().year,
            help="The current round's year; rounds go back eight years from it.",
        )
        parser.add_argument("--batch-size", type=int, default=10_000)
        parser.add_argument(
            "--method",
            choices=["auto", "bulk", "executemany", "copy"],
            default="auto",
            help=(
                "bulk_create; a prepared INSERT by executemany; or COPY (PostgreSQL). "
                "auto: COPY on PostgreSQL, executemany elsewhere (the fastest measured)."
            ),
        )
        parser.add_argument(
            "--clear", action="store_true", help="First remove what earlier runs generated."
        )
        parser.add_argument(
            "--force", action="store_true", help="Run although DEBUG is off (benchmarks)."
        )
        parser.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "generate_demo_data writes synthetic records; it runs only with DEBUG on "
                "(or --force, for a benchmark database)."
            )
        method = options["method"]
        if method == "auto":
            method = "copy" if connection.vendor == "postgresql" else "executemany"
        if method == "copy" and connection.vendor != "postgresql":
            raise CommandError("--method copy needs PostgreSQL.")
        if options["enterprises"] < 1 or options["applications"] < 0:
            raise CommandError("Give at least one enterprise and no negative count.")
        if options["enterprises"] >= 10_000_000:
            raise CommandError("At most 9,999,999 enterprises per seed.")
        self.options = options
        self.seed = options["seed"]
        self.marker = f"{SOURCE_PREFIX} {self.seed}"
        self.random = random.Random(self.seed)  # noqa: S311  (reproducible, not secret)
        started = time.monotonic()

        if options["clear"]:
            self.clear()
        self.load_reference_data()
        if Enterprise.objects.filter(source=self.marker).exists():
            raise CommandError(
                f"Seed {self.seed} was generated into this database already; "
                "pass --clear to replace it, or choose another --seed."
            )
        writer = Writer(method)
        with fast_sqlite(), stored_timestamps(Enterprise, Application):
            with transaction.atomic():
                calls = self.make_calls()
            enterprises = self.make_enterprises(writer)
            counts = self.make_applications(writer, calls, enterprises)
        self.finish()
        elapsed = time.monotonic() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {options['enterprises']:,} enterprises, "
                f"{options['applications']:,} applications ({counts}) with seed {self.seed} "
                f"by {method} in {elapsed:.1f} s ({writer.rows:,} rows; {writer.seconds:.1f} s "
                f"of them writing)."
            )
        )

    # --- Reference data ---------------------------------------------------------------
    def load_reference_data(self):
        needed = {Region: REGION_WEIGHTS, Industry: INDUSTRY_WEIGHTS, Programme: PROGRAMME_WEIGHTS}
        for model, name in REFERENCE_FIXTURES.items():
            if not model.objects.filter(code__in=needed[model]).exists():
                call_command("loaddata", str(Path(FIXTURES) / name), verbosity=0)
        self.regions = {r.code: r for r in Region.objects.filter(code__in=REGION_WEIGHTS)}
        self.industries = {i.code: i for i in Industry.objects.filter(code__in=INDUSTRY_WEIGHTS)}
        self.programmes = list(
            Programme.objects.filter(code__in=PROGRAMME_WEIGHTS).order_by("code")
        )
        if not self.regions or not self.industries or not self.programmes:
            raise CommandError("The reference regions, industries or programmes are missing.")
        self.rewards = {}
        for rule in RewardRule.objects.filter(programme__in=self.programmes).order_by("amount"):
            self.rewards.setdefault(rule.programme_id, []).append(rule.amount)

    # --- Calls --------------------------------------------------------------------------
    def make_calls(self):
        year = self.options["year"]
        calls = []
        for programme in self.programmes:
            for round_year in range(year - YEARS + 1, year + 1):
                code = f"{CALL_CODE_PREFIX}{self.seed}-{programme.code}-{round_year}"[:80]
                opens = date(round_year, 3, 1)
                call, _ = Call.objects.get_or_create(
                    code=code,
                    defaults={
                        "programme": programme,
                        "title_zh_hans": f"{LABEL}{programme.name_zh_hans or programme.name}"
                        f" {round_year}年度",
                        "year": round_year,
                        "opens_on": opens,
                        "closes_on": date(round_year, 6, 30),
                        "public_notice_days": 5,
                        "source": self.marker,
                    },
                )
                calls.append(call)
        return calls

    # --- Enterprises -------------------------------------------------------------------
    def make_enterprises(self, writer) -> list[tuple[int, int]]:
        """Write the enterprises; return (id, region id) of each, in generation order."""
        count, rnd = self.options["enterprises"], self.random
        region_codes = [code for code in REGION_WEIGHTS if code in self.regions]
        region_weights = [REGION_WEIGHTS[code] for code in region_codes]
        industry_codes = [code for code in INDUSTRY_WEIGHTS if code in self.industries]
        industry_weights = [INDUSTRY_WEIGHTS[code] for code in industry_codes]
        first_id = (Enterprise.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        existing_codes = set(
            Enterprise.objects.filter(unified_social_credit_code__isnull=False).values_list(
                "unified_social_credit_code", flat=True
            )
        )
        year = self.options["year"]
        progress = Progress("enterprises", count, quiet=self.options["quiet"])
        result, batch = [], []
        picked_regions = rnd.choices(region_codes, region_weights, k=count)
        picked_industries = rnd.choices(industry_codes, industry_weights, k=count)
        trades = [word for words in TRADES.values() for word in words]
        for n in range(count):
            pk = first_id + n
            region = self.regions[picked_regions[n]]
            industry = self.industries[picked_industries[n]]
            code = credit_code(region.code, self.seed, n)
            if code in existing_codes:
                raise CommandError(f"Credit code {code} exists already; choose another --seed.")
            city = region.name[:2]
            name = (
                f"{LABEL}{city}{rnd.choice(NAME_WORDS)}{rnd.choice(NAME_WORDS)}"
                f"{rnd.choice(trades)}有限公司（S{self.seed}-{n:07d}）"
            )
            created = local_datetime(
                date(year - YEARS, 1, 1) + timedelta(days=rnd.randrange(365 * YEARS)),
                rnd.randrange(8 * 3600, 18 * 3600),
            )
            person = rnd.choice(SURNAMES) + rnd.choice(GIVEN) + rnd.choice(GIVEN)
            batch.append(
                (
                    pk,
                    name,
                    f"[Demo] Enterprise S{self.seed}-{n:07d}",
                    code,
                    region.pk,
                    industry.pk,
                    f"{region.name}演示路{rnd.randrange(1, 999)}号",
                    person,
                    rnd.choice(SURNAMES) + rnd.choice(GIVEN),
                    f"1{rnd.choice('3456789')}{rnd.randrange(10**9):09d}",
                    f"demo-s{self.seed}-{n}@example.com",
                    rnd.random() < 0.35,
                    "",
                    self.marker,
                    created,
                    created,
                )
            )
            result.append((pk, region.pk))
            if len(batch) >= self.options["batch_size"]:
                self.flush(writer, Enterprise, batch, progress)
        self.flush(writer, Enterprise, batch, progress)
        return result

    def flush(self, writer, model, batch, progress=None):
        with transaction.atomic():
            writer.write(model, batch)
        if progress is not None:
            progress.advance(len(batch))
        batch.clear()

    # --- Applications ------------------------------------------------------------------
    def make_applications(self, writer, calls, enterprises) -> str:
        count, rnd, year = self.options["applications"], self.random, self.options["year"]
        if count == 0:
            return "none"
        by_programme = {p.pk: p for p in self.programmes}
        call_weights = [
            PROGRAMME_WEIGHTS[by_programme[c.programme_id].code] * (1 + 0.15 * (c.year - year + 8))
            for c in calls
        ]
        tables = {
            "application": Application.objects.aggregate(top=Max("pk"))["top"] or 0,
            Kind.PRODUCT: ProductDetail.objects.aggregate(top=Max("pk"))["top"] or 0,
            Kind.PROJECT: ProjectDetail.objects.aggregate(top=Max("pk"))["top"] or 0,
            Kind.DESIGNATION: DesignationDetail.objects.aggregate(top=Max("pk"))["top"] or 0,
            "outcome": Designation.objects.aggregate(top=Max("pk"))["top"] or 0,
            "event": ApplicationEvent.objects.aggregate(top=Max("pk"))["top"] or 0,
        }
        detail_models = {
            Kind.PRODUCT: ProductDetail,
            Kind.PROJECT: ProjectDetail,
            Kind.DESIGNATION: DesignationDetail,
        }
        # Plain strings (not enum members) and cumulative weights: this loop runs a million times.
        past = ([str(s) for s, _ in PAST_MIX], list(accumulate(w for _, w in PAST_MIX)))
        current = ([str(s) for s, _ in CURRENT_MIX], list(accumulate(w for _, w in CURRENT_MIX)))
        batches = {
            "application": [],
            **{kind: [] for kind in detail_models},
            "outcome": [],
            "event": [],
        }
        tally: dict[str, int] = {}
        progress = Progress("applications", count, quiet=self.options["quiet"])
        n_enterprises = len(enterprises)
        batch_size = self.options["batch_size"]
        picked_calls = rnd.choices(calls, call_weights, k=count)
        for n in range(count):
            call = picked_calls[n]
            programme = by_programme[call.programme_id]
            kind = programme.kind
            # A few enterprises file a lot, most a handful: a skewed pick.
            enterprise_id, region_id = enterprises[int(n_enterprises * rnd.random() ** 1.6)]
            statuses, cumulative = current if call.year == year else past
            status = rnd.choices(statuses, cum_weights=cumulative)[0]
            if status in DESIGNATION_ONLY and kind != Kind.DESIGNATION:
                status = S.GRANTED
            tally[status] = tally.get(status, 0) + 1
            tables["application"] += 1
            pk = tables["application"]
            created = local_datetime(
                call.opens_on + timedelta(days=rnd.randrange(110)),
                rnd.randrange(8 * 3600, 20 * 3600),
            )
            submitted = None
            if status != S.DRAFT and not (status == S.WITHDRAWN and rnd.random() < 0.5):
                submitted = created + timedelta(days=rnd.randrange(10), seconds=rnd.randrange(3600))
            decided = None
            if status in DECIDED:
                decided = local_datetime(
                    date(call.year, 9, 1) + timedelta(days=rnd.randrange(60)), 10 * 3600
                )
            requested, awarded = self.amounts(kind, programme, status)
            subject = self.subject(kind)
            batch_row = (
                pk,
                enterprise_id,
                call.pk,
                call.programme_id,
                call.year,
                kind,
                f"{LABEL}{subject}（S{self.seed}-{n:07d}）",
                status,
                region_id,
                submitted,
                decided,
                requested,
                awarded,
                # Filing asks for the declaration; a draft has not made it yet.
                submitted is not None,
                Source.PORTAL,
                self.marker,
                None,
                created,
                decided or submitted or created,
            )
            batches["application"].append(batch_row)
            tables[kind] += 1
            batches[kind].append(self.detail_row(tables[kind], pk, kind, subject, call, requested))
            if kind == Kind.DESIGNATION and status in SELECTED and decided is not None:
                tables["outcome"] += 1
                batches["outcome"].append(
                    self.designation_row(tables["outcome"], pk, status, decided, year)
                )
            if status == S.IN_PUBLIC_NOTICE:
                tables["event"] += 1
                batches["event"].append(
                    (
                        tables["event"],
                        pk,
                        None,
                        decided + timedelta(days=rnd.randrange(1, 5)),
                        "open_public_notice",
                        S.APPROVED,
                        S.IN_PUBLIC_NOTICE,
                        "",
                    )
                )
            if len(batches["application"]) >= batch_size:
                self.flush_applications(writer, batches, detail_models, progress)
        self.flush_applications(writer, batches, detail_models, progress)
        return ", ".join(f"{status} {tally[status]:,}" for status in S.values if status in tally)

    def flush_applications(self, writer, batches, detail_models, progress):
        count = len(batches["application"])
        with transaction.atomic():
            writer.write(Application, batches["application"])
            for kind, model in detail_models.items():
                writer.write(model, batches[kind])
            writer.write(Designation, batches["outcome"])
            writer.write(ApplicationEvent, batches["event"])
        for rows in batches.values():
            rows.clear()
        progress.advance(count)

    def subject(self, kind):
        rnd = self.random
        if kind == Kind.PRODUCT:
            return rnd.choice(PRODUCTS)
        if kind == Kind.PROJECT:
            return rnd.choice(PROJECTS)
        return rnd.choice(PLATFORMS)

    def amounts(self, kind, programme, status):
        rnd = self.random
        rewards = self.rewards.get(programme.pk)
        if kind == Kind.PROJECT:
            requested = Decimal(rnd.randrange(20, 500) * 10_000)
            awarded = min(requested * Decimal("0.7"), Decimal("2000000")).quantize(Decimal("1"))
        elif rewards:
            requested = awarded = rnd.choice(rewards)
        else:
            requested, awarded = None, Decimal(rnd.choice([100_000, 200_000, 500_000]))
        return requested, awarded if status in SELECTED else None

    def detail_row(self, pk, application_id, kind, subject, call, requested):
        rnd = self.random
        if kind == Kind.PRODUCT:
            return (
                pk,
                application_id,
                subject,
                rnd.choice(PRODUCT_TIERS),
                rnd.choice((7, 8, 8, 9)),
                INDICATORS,
                IP_TEXT,
                call.opens_on - timedelta(days=rnd.randrange(30, 700)),
            )
        if kind == Kind.PROJECT:
            starts = call.opens_on + timedelta(days=rnd.randrange(60, 200))
            return (
                pk,
                application_id,
                subject,
                rnd.choice(PROJECT_CATEGORIES),
                (requested / Decimal(rnd.choice(("0.3", "0.5", "0.7")))).quantize(Decimal("1")),
                starts,
                starts + timedelta(days=rnd.choice((365, 540, 730))),
            )
        return (
            pk,
            application_id,
            subject,
            rnd.choice((Level.PROVINCIAL, Level.MUNICIPAL, Level.MUNICIPAL, Level.NATIONAL)),
            rnd.randrange(10, 400),
            Decimal(rnd.randrange(50, 5000) * 10_000),
            Decimal(rnd.randrange(100, 3000) * 10_000),
            call.opens_on - timedelta(days=rnd.randrange(400, 3000)),
        )

    def designation_row(self, pk, application_id, status, decided, year):
        designated = decided.date()
        valid_until = date(designated.year + 3, designated.month, 1) - timedelta(days=1)
        if status == S.EXPIRED:
            valid_until = min(valid_until, date(year - 1, 12, 31))
        return (
            pk,
            application_id,
            self.random.choice((Level.PROVINCIAL, Level.MUNICIPAL, Level.MUNICIPAL)),
            f"DEMO-{self.seed}-{application_id}",
            designated,
            designated,
            max(valid_until, designated),
            "演示数据",
        )

    # --- After writing ------------------------------------------------------------------
    def finish(self):
        """Reset PostgreSQL's id sequences past the ids given here; refresh planner stats."""
        models = [
            Enterprise,
            Application,
            ProductDetail,
            ProjectDetail,
            DesignationDetail,
            Designation,
            ApplicationEvent,
        ]
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if tally.kept(connection.alias):
            # The tally got a row per call, status and kind from each batch written.
            tally.compact(using=connection.alias)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                # VACUUM sets the visibility map, so that counts can be index-only scans
                # right away (as in a database autovacuum has long visited); ANALYZE gives
                # the planner, and the admin's estimated count, the new row numbers.
                for model in [*models, ApplicationTally]:
                    cursor.execute(
                        f"VACUUM ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                    )
                # The demo calls are few but new: without their statistics the planner
                # takes a programme for one call (eight at the benchmark's size), reads
                # its granted applications call by call and sorts them (18 ms) rather
                # than walking the newest of them (1 ms).
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Call._meta.db_table)}")
            else:
                cursor.execute("ANALYZE")

    def clear(self):
        """Delete every generated record (any seed), children first, one DELETE per table.

        ``QuerySet.delete()`` would load each of a million applications to send the
        signals simple-history listens to; these rows have no history to keep, so
        ``_raw_delete`` (Django's own fast path, one SQL statement) is used instead.
        """
        enterprises = Enterprise.objects.filter(source__startswith=SOURCE_PREFIX)
        applications = Application.objects.filter(
            Q(source_note__startswith=SOURCE_PREFIX) | Q(enterprise__in=enterprises)
        ).values("pk")
        designations = Designation.objects.filter(application__in=applications).values("pk")
        assignments = ReviewAssignment.objects.filter(application__in=applications).values("pk")
        querysets = [
            Evaluation.objects.filter(designation__in=designations),
            ReviewScore.objects.filter(assignment__in=assignments),
            *(
                model.objects.filter(application__in=applications)
                for model in (
                    Designation,
                    ReviewAssignment,
                    Disbursement,
                    Attachment,
                    Objection,
                    ApplicationEvent,
                    ProductDetail,
                    ProjectDetail,
                    DesignationDetail,
                )
            ),
            Application.objects.filter(pk__in=applications),
            Membership.objects.filter(enterprise__in=enterprises),
            enterprises,
            Call.objects.filter(
                code__startswith=CALL_CODE_PREFIX, source__startswith=SOURCE_PREFIX
            ),
        ]
        with transaction.atomic():
            for queryset in querysets:
                queryset._raw_delete(queryset.db)
        self.stdout.write("Removed the records of earlier generate_demo_data runs.")
