"""Differential test of ``SendPolicy.next_allowed`` / ``is_allowed`` against an independent
pure-Python oracle built on ``zoneinfo`` (stdlib), over 24 zones and instants from 2020 to 2035,
half of them within a day and a half of a daylight-saving transition.

The oracle implements the documented semantics (core/src/time/mod.rs, "Daylight-saving rules")
from scratch:

- the allowed minutes of a local day are the send windows (all day when none) minus the quiet
  hours, each window ``[start, end)``, crossing midnight when ``end <= start`` (``end`` 00:00 is
  midnight);
- a local wall time maps to an instant by "the first instant whose wall clock reads at least that
  time": in a spring-forward gap that is the instant right after the gap, in an autumn overlap
  the first occurrence (found with zoneinfo's ``fold`` and a minute-stepping scan of the gap);
- an instant is allowed when it lies in ``[wall(D, start), wall(D, end))`` of an allowed minute
  run of some local day ``D`` whose weekday is allowed;
- ``next_allowed(at)`` is found by stepping minute by minute from ``at`` until an allowed instant.

It also predicts the construction errors (``time.window.ambiguous``,
``time.policy.never_allowed``) of the random policies it draws.
"""

import bisect
import functools
import random
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sequenza import SendPolicy, TimeError

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
SEED = 20260425
N_CASES = 3000

ZONES = [
    "Europe/Rome",
    "America/New_York",
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Asia/Kathmandu",  # +05:45
    "America/Sao_Paulo",  # no DST since 2019
    "Pacific/Apia",  # no DST since 2021
    "Europe/London",
    "Europe/Dublin",  # "negative" DST in tzdata: same offsets
    "America/Los_Angeles",
    "America/Chicago",
    "America/St_Johns",  # -03:30 / -02:30
    "America/Santiago",  # transitions at midnight
    "America/Havana",  # transitions at midnight
    "Asia/Jerusalem",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Adelaide",  # +09:30 / +10:30
    "Australia/Sydney",
    "Pacific/Auckland",
    "Pacific/Chatham",  # +12:45 / +13:45
    "Europe/Helsinki",
    "America/Halifax",
    "Pacific/Honolulu",
    "UTC",
]

WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]

# Times of day near the usual transition hours, plus ordinary ones.
INTERESTING = ["00:00", "00:30", "01:00", "01:30", "02:00", "02:15", "02:30", "02:45", "03:00", "03:30", "23:00", "23:30"]
ORDINARY = ["06:00", "07:45", "08:00", "09:00", "12:00", "13:00", "14:30", "17:00", "18:00", "20:00", "21:00", "22:00"]


# ---- the oracle ----------------------------------------------------------------------------------


def _minutes(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def _mask(windows, empty_means_all):
    """The minutes of a day covered by ``windows`` (a list of 1440 booleans)."""
    if not windows:
        return [empty_means_all] * 1440
    mask = [False] * 1440
    for start, end in windows:
        s, e = _minutes(start), _minutes(end)
        if e <= s:  # crossing midnight (end 00:00 is midnight)
            ranges = [(s, 1440), (0, e)]
        else:
            ranges = [(s, e)]
        for a, b in ranges:
            for m in range(a, b):
                mask[m] = True
    return mask


def allowed_runs(quiet, hours):
    """Maximal runs ``[start, end)`` of allowed minutes of a day (end up to 1440)."""
    send = _mask(hours, True)
    q = _mask(quiet, False)
    ok = [send[m] and not q[m] for m in range(1440)]
    runs, m = [], 0
    while m < 1440:
        if ok[m]:
            n = m
            while n < 1440 and ok[n]:
                n += 1
            runs.append((m, n))
            m = n
        else:
            m += 1
    return runs


def wall(t, zone):
    """The naive local wall time of the aware instant ``t``."""
    return t.astimezone(zone).replace(tzinfo=None)


@functools.lru_cache(maxsize=None)
def local_to_utc(zone_name, day, minute):
    """The first instant whose wall clock in ``zone_name`` reads at least ``day`` + ``minute``."""
    zone = ZoneInfo(zone_name)
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    candidates = []
    for fold in (0, 1):
        u = naive.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if wall(u, zone) == naive:
            candidates.append(u)
    if candidates:  # exists (once, or twice in an overlap: the first)
        return min(candidates)
    # In a gap: step from below until the wall clock reaches the wanted time.
    u = min(naive.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1))
    u = u.replace(second=0, microsecond=0)
    for _ in range(3 * 1440):
        if wall(u, zone) >= naive:
            return u
        u += MINUTE
    raise AssertionError(f"no instant reads {naive} in {zone_name}")


class Oracle:
    def __init__(self, quiet, hours, weekdays, zone_name):
        self.zone_name = zone_name
        self.zone = ZoneInfo(zone_name)
        self.runs = allowed_runs(quiet, hours)
        self.days = {WEEKDAYS.index(d) for d in weekdays} if weekdays else set(range(7))

    def intervals(self, first, last):
        """Sorted allowed UTC intervals of the local days ``first`` … ``last``."""
        out = []
        d = first
        while d <= last:
            if d.weekday() in self.days:
                for s, e in self.runs:
                    start = local_to_utc(self.zone_name, d, s)
                    end = local_to_utc(self.zone_name, d + timedelta(days=1), 0) if e == 1440 else local_to_utc(self.zone_name, d, e)
                    if start < end:
                        out.append((start, end))
            d += timedelta(days=1)
        out.sort()
        return out

    def next_allowed(self, at):
        """Minute stepping from ``at`` until an allowed instant."""
        today = wall(at, self.zone).date()
        ivs = self.intervals(today - timedelta(days=2), today + timedelta(days=9))
        starts = [s for s, _ in ivs]

        def allowed(t):
            i = bisect.bisect_right(starts, t)
            return any(s <= t < e for s, e in ivs[max(0, i - 3) : i])

        if allowed(at):
            return at
        t = at.replace(second=0, microsecond=0) + MINUTE
        for _ in range(9 * 1440):
            if allowed(t):
                return t
            t += MINUTE
        raise AssertionError("the oracle found no allowed minute within 9 days")


# ---- random cases --------------------------------------------------------------------------------


def transitions(zone_name):
    """The UTC instants (to the minute) where ``zone_name``'s offset changes, 2020–2035."""
    zone = ZoneInfo(zone_name)
    out = []
    t = datetime(2020, 1, 1, tzinfo=UTC)
    end = datetime(2036, 1, 1, tzinfo=UTC)
    step = timedelta(hours=6)
    prev = t.astimezone(zone).utcoffset()
    while t < end:
        n = t + step
        off = n.astimezone(zone).utcoffset()
        if off != prev:
            lo, hi = t, n  # offset(lo) == prev != offset(hi)
            while hi - lo > MINUTE:
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    mid = lo + MINUTE
                if mid.astimezone(zone).utcoffset() == prev:
                    lo = mid
                else:
                    hi = mid
            out.append(hi)
            prev = off
        t = n
    return out


def random_window(rng):
    pool = INTERESTING if rng.random() < 0.6 else ORDINARY
    start = rng.choice(pool)
    end = rng.choice(INTERESTING + ORDINARY) if rng.random() < 0.7 else f"{rng.randrange(24):02d}:{rng.choice([0, 15, 30, 45, 7]):02d}"
    return (start, end)


def random_policy(rng):
    quiet = [random_window(rng) for _ in range(rng.choice([0, 0, 1, 1, 1, 2]))]
    hours = [random_window(rng) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
    if rng.random() < 0.5:
        weekdays = []
    else:
        weekdays = sorted(rng.sample(WEEKDAYS, rng.randint(1, 7)), key=WEEKDAYS.index)
    return quiet, hours, weekdays


def random_instant(rng, zone_name, trans):
    if trans and rng.random() < 0.5:
        base = rng.choice(trans)
        t = base + timedelta(minutes=rng.randint(-36 * 60, 36 * 60))
    else:
        lo = datetime(2020, 1, 1, tzinfo=UTC).timestamp()
        hi = datetime(2035, 12, 31, tzinfo=UTC).timestamp()
        t = datetime.fromtimestamp(rng.uniform(lo, hi) // 60 * 60, tz=UTC)
    if rng.random() < 0.2:
        t += timedelta(seconds=rng.randrange(60), microseconds=rng.choice([0, 1, 500_000]))
    return t


def test_zone_transitions_are_found():
    trans = transitions("Europe/Rome")
    assert datetime(2025, 3, 30, 1, 0, tzinfo=UTC) in trans
    assert datetime(2025, 10, 26, 1, 0, tzinfo=UTC) in trans
    assert len(trans) == 32
    assert transitions("Asia/Tokyo") == []
    assert local_to_utc("Europe/Rome", date(2025, 3, 30), 150) == datetime(2025, 3, 30, 1, 0, tzinfo=UTC)
    assert local_to_utc("Europe/Rome", date(2025, 10, 26), 150) == datetime(2025, 10, 26, 0, 30, tzinfo=UTC)


def test_next_allowed_matches_the_zoneinfo_oracle():
    rng = random.Random(SEED)
    trans = {z: transitions(z) for z in ZONES}
    checked = errors = near_transition = 0
    failures = []
    for i in range(N_CASES):
        zone_name = ZONES[i % len(ZONES)]
        quiet, hours, weekdays = random_policy(rng)
        ambiguous = any(_minutes(s) == _minutes(e) for s, e in quiet + hours)
        never = not ambiguous and not allowed_runs(quiet, hours)
        try:
            policy = SendPolicy(quiet_hours=quiet, weekdays=weekdays, hours=hours, timezone=zone_name)
        except TimeError as e:
            errors += 1
            expected = "time.window.ambiguous" if ambiguous else "time.policy.never_allowed" if never else None
            if e.code != expected:
                failures.append((zone_name, quiet, hours, weekdays, f"raised {e.code}, oracle expects {expected}"))
            continue
        if ambiguous or never:
            failures.append((zone_name, quiet, hours, weekdays, "accepted, oracle expects an error"))
            continue
        oracle = Oracle(quiet, hours, weekdays, zone_name)
        for _ in range(2):
            at = random_instant(rng, zone_name, trans[zone_name])
            k = bisect.bisect_left(trans[zone_name], at)
            near_transition += any(
                abs((at - t).total_seconds()) <= 36 * 3600 for t in trans[zone_name][max(0, k - 1) : k + 1]
            )
            want = oracle.next_allowed(at)
            got = policy.next_allowed(at)
            allowed = policy.is_allowed(at)
            checked += 1
            if got != want or allowed != (want == at):
                failures.append((zone_name, quiet, hours, weekdays, f"at {at.isoformat()}: got {got.isoformat()} allowed={allowed}, oracle {want.isoformat()}"))
            elif got != at:
                # The answer is allowed, and the instant just before it (a minute, or `at`) is not.
                assert policy.is_allowed(got)
                before = max(at, got - MINUTE)
                if policy.is_allowed(before):
                    failures.append((zone_name, quiet, hours, weekdays, f"at {at.isoformat()}: {before.isoformat()} allowed before {got.isoformat()}"))
    assert not failures, f"{len(failures)} mismatches, e.g.:\n" + "\n".join(map(repr, failures[:10]))
    assert checked > 4000 and errors < N_CASES // 4
    assert near_transition > 1500, near_transition


# ---- recurrences against dateutil's rrule, waits against zoneinfo --------------------------------

from dateutil import rrule as du  # noqa: E402  (python-dateutil, requirements-dev.txt)
from dateutil.relativedelta import relativedelta  # noqa: E402

from sequenza import Recurrence, wait_end  # noqa: E402

# Local times away from every zone's transition hours, so that rrule's wall times exist once.
RULES = [
    ({"kind": "weekly", "weekdays": ["mon", "thu"], "times": ["09:00", "18:30"]},
     dict(freq=du.WEEKLY, byweekday=(du.MO, du.TH), byhour=(9, 18), byminute=None, bysetpos=None),
     [(9, 0), (18, 30)]),
    ({"kind": "monthly", "day": -1, "time": "09:00"},
     dict(freq=du.MONTHLY, bymonthday=-1, byhour=9, byminute=0), None),
    ({"kind": "monthly", "day": 15, "time": "12:15"},
     dict(freq=du.MONTHLY, bymonthday=15, byhour=12, byminute=15), None),
    ({"kind": "monthly_weekday", "nth": -1, "weekday": "mon", "time": "09:00"},
     dict(freq=du.MONTHLY, byweekday=du.MO(-1), byhour=9, byminute=0), None),
    ({"kind": "monthly_weekday", "nth": 2, "weekday": "fri", "time": "17:45"},
     dict(freq=du.MONTHLY, byweekday=du.FR(2), byhour=17, byminute=45), None),
    ({"kind": "yearly", "month": 5, "day": 1, "time": "10:00"},
     dict(freq=du.YEARLY, bymonth=5, bymonthday=1, byhour=10, byminute=0), None),
]
RULE_ZONES = ["Europe/Rome", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
              "Pacific/Chatham", "America/St_Johns", "UTC"]


def _dateutil_rule(kwargs, times, zone):
    kwargs = dict(kwargs)
    freq = kwargs.pop("freq")
    if times is not None:
        kwargs.pop("bysetpos")
        kwargs.pop("byminute")
        # Weekly at 09:00 and 18:30: two rules, merged.
        rules = [du.rrule(freq, dtstart=datetime(2018, 1, 1, h, m, tzinfo=zone), byweekday=kwargs["byweekday"],
                          byhour=h, byminute=m, bysecond=0) for h, m in times]
        rset = du.rruleset()
        for r in rules:
            rset.rrule(r)
        return rset
    return du.rrule(freq, dtstart=datetime(2018, 1, 1, tzinfo=zone), bysecond=0, **kwargs)


def test_recurrence_matches_dateutil_rrule():
    rng = random.Random(SEED + 1)
    checked = 0
    for rule, kwargs, times in RULES:
        for zone_name in RULE_ZONES:
            zone = ZoneInfo(zone_name)
            ours = Recurrence(rule, timezone=zone_name)
            theirs = _dateutil_rule(kwargs, times, zone)
            for _ in range(25):
                at = random_instant(rng, zone_name, [])
                want = theirs.after(at.astimezone(zone)).astimezone(UTC)
                assert ours.next_after(at) == want, (rule, zone_name, at)
                checked += 1
            a = datetime(2024, 1, 1, tzinfo=UTC)
            b = datetime(2026, 1, 1, tzinfo=UTC)
            want = [t.astimezone(UTC) for t in theirs.between(a.astimezone(zone), b.astimezone(zone), inc=True)
                    if a <= t < b]
            assert ours.between(a, b) == want, (rule, zone_name)
            many = ours.next_after_many([a, b])
            assert many == [ours.next_after(a), ours.next_after(b)]
    assert checked == len(RULES) * len(RULE_ZONES) * 25


def _exists_once(naive, zone):
    """Whether a local wall time exists exactly once in ``zone`` (not in a gap or an overlap)."""
    got = {naive.replace(tzinfo=zone, fold=f).astimezone(UTC) for f in (0, 1)}
    return len(got) == 1 and wall(next(iter(got)), zone) == naive


def test_wait_end_matches_zoneinfo():
    rng = random.Random(SEED + 2)
    checked = 0
    for i in range(600):
        zone_name = ZONES[i % len(ZONES)]
        zone = ZoneInfo(zone_name)
        at = random_instant(rng, zone_name, transitions(zone_name) if i % 3 == 0 else [])
        local = wall(at, zone)
        unit = rng.choice(["minutes", "hours", "days", "weeks", "months"])
        amount = rng.randint(1, 40)
        if unit in ("minutes", "hours"):
            want = at + timedelta(**{unit: amount})
        else:
            delta = relativedelta(**{unit: amount})
            target = local + delta
            if not _exists_once(target, zone):
                continue  # a gap or an overlap: the DST rule is checked by the vectors
            want = target.replace(tzinfo=zone).astimezone(UTC)
        got = wait_end({"duration": {"amount": amount, "unit": unit}}, at, zone_name)
        assert got == want, (zone_name, at, amount, unit)
        # "until a local time on given weekdays": the first such wall time at or after `at`.
        hhmm = rng.choice(ORDINARY)
        days = sorted(rng.sample(WEEKDAYS, rng.randint(1, 3)), key=WEEKDAYS.index)
        h, m = map(int, hhmm.split(":"))
        want = None
        for k in range(8):
            d = local.date() + timedelta(days=k)
            t = datetime(d.year, d.month, d.day, h, m, tzinfo=zone).astimezone(UTC)
            if WEEKDAYS[d.weekday()] in days and t >= at:
                want = t
                break
        got = wait_end({"until": {"kind": "local_time", "time": hhmm, "weekdays": days}}, at, zone_name)
        assert got == want, (zone_name, at, hhmm, days)
        checked += 1
    assert checked > 400, checked
