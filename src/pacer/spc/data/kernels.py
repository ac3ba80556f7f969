"""Compiled single-pass kernels (numba) of the columnar path.

Reading: over measurements sorted by characteristic and subgroup, record batch by record batch,
:func:`count_subgroups` checks the order and counts the subgroups, then :func:`subgroup_stats`
computes every subgroup's size, mean, range, SD and values out of specification in one pass; a
subgroup may run on from one batch into the next (its running sums are carried in ``acc`` and
``key``). Summarising: :func:`characteristics` gives what
:func:`pacer.spc.data.columnar.summarize` reports per characteristic (standard, rule counts,
capability sums), one characteristic at a time in room of one characteristic's points, so that
threads can share the characteristics out; :func:`per_point` and :func:`rule_flags` give the same
per point over all characteristics, for a caller that wants the points. The rules follow the
numpy formulation in :mod:`pacer.spc.rules` with the same arithmetic in the same order (checked by
the tests).

Compiled on first use and cached on disk (``cache=True``), so a later process loads them.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_compiled = njit(cache=True, nogil=True, error_model="numpy")

# ``key`` (int64): rows seen, characteristic, subgroup, n, below, above, next output index
# ``acc`` (float64): sum, shift, shifted sum, shifted sum of squares, min, max, lsl, usl
SEEN, CHAR, SUB, N, BELOW, ABOVE, NEXT = range(7)
_LARGEST = float(np.finfo(np.float64).max)  # what np.nan_to_num puts for +inf
RULE_KINDS = {"beyond": 0, "zone": 1, "run": 2, "hug": 3, "mixture": 4, "trend": 5, "alternate": 6}


@_compiled
def count_subgroups(chars, subs, last):  # type: ignore[no-untyped-def]
    """How many subgroups start in this batch; ``last`` carries (rows seen, characteristic,
    subgroup) from the batch before. ``-1 - i`` when row ``i`` breaks the order."""
    count = 0
    seen, c0, s0 = last[0], last[1], last[2]
    for i in range(chars.size):
        c, s = np.int64(chars[i]), np.int64(subs[i])
        if seen == 0 or c > c0 or (c == c0 and s > s0):
            count += 1
        elif c < c0 or s < s0:
            return -1 - i
        seen, c0, s0 = 1, c, s
    last[0], last[1], last[2] = seen, c0, s0
    return count


@njit(inline="always")
def _flush(g, c, n, total, shifted, squares, low, high, below, above, out_key, out_i, out_f):  # type: ignore[no-untyped-def]
    out_key[g] = c
    out_i[0, g], out_i[1, g], out_i[2, g] = n, below, above
    out_f[0, g], out_f[1, g] = total / n, high - low
    if n > 1:
        var = (squares - shifted * shifted / n) / (n - 1)
        out_f[2, g] = np.sqrt(var) if var > 0.0 else 0.0
    else:
        out_f[2, g] = np.nan


@_compiled
def subgroup_stats(chars, subs, values, spec_keys, lsl, usl, acc, key, out_key, out_i, out_f):  # type: ignore[no-untyped-def]
    """One pass over a batch of sorted rows. Per subgroup: ``out_i`` rows n, below, above;
    ``out_f`` rows mean, range, SD (from sums shifted by the subgroup's first value, so without
    cancellation). The running subgroup is kept in locals and carried to the next batch in
    ``acc`` and ``key``. 0, or less when the batch does not suit: ``-1 - i`` when value ``i`` is
    NaN, ``-1 - size - i`` when row ``i`` breaks the order."""
    seen, c0, s0, n, below, above, g = key[SEEN], key[CHAR], key[SUB], key[N], key[BELOW], key[ABOVE], key[NEXT]
    total, shift, shifted, squares, low, high, lo_spec, hi_spec = (
        acc[0],
        acc[1],
        acc[2],
        acc[3],
        acc[4],
        acc[5],
        acc[6],
        acc[7],
    )
    for i in range(chars.size):
        c, s, x = np.int64(chars[i]), np.int64(subs[i]), np.float64(values[i])
        if x != x:
            return -1 - i
        if seen == 1 and (c < c0 or (c == c0 and s < s0)):
            return -1 - chars.size - i
        if seen == 1 and c == c0 and s == s0:
            n += 1
            total += x
            d = x - shift
            shifted += d
            squares += d * d
            low = x if x < low else low
            high = x if x > high else high
        else:
            if seen == 1:
                _flush(g, c0, n, total, shifted, squares, low, high, below, above, out_key, out_i, out_f)
                g += 1
            if seen == 0 or c != c0:
                at = np.searchsorted(spec_keys, c)
                found = at < spec_keys.size and spec_keys[at] == c
                lo_spec, hi_spec = (lsl[at], usl[at]) if found else (np.nan, np.nan)
            seen, c0, s0, n, below, above = 1, c, s, 1, 0, 0
            total, shift, shifted, squares, low, high = x, x, 0.0, 0.0, x, x
        below += x < lo_spec
        above += x > hi_spec
    key[SEEN], key[CHAR], key[SUB], key[N], key[BELOW], key[ABOVE], key[NEXT] = seen, c0, s0, n, below, above, g
    acc[0], acc[1], acc[2], acc[3], acc[4], acc[5], acc[6], acc[7] = (
        total,
        shift,
        shifted,
        squares,
        low,
        high,
        lo_spec,
        hi_spec,
    )
    return 0


@_compiled
def allocate(capacity, sample, counts):  # type: ignore[no-untyped-def]
    """Room for ``capacity`` subgroups: characteristic (of ``sample``'s type); n, below, above (of
    ``counts``' type); mean, range, SD. Only the part written is ever touched, so room for one
    subgroup per row costs no more than the subgroups found."""
    return np.empty(capacity, sample.dtype), np.empty((3, capacity), counts.dtype), np.empty((3, capacity))


@_compiled
def finish(acc, key, out_key, out_i, out_f):  # type: ignore[no-untyped-def]
    """Write the last subgroup."""
    if key[SEEN] == 1:
        _flush(key[NEXT], key[CHAR], key[N], acc[0], acc[2], acc[3], acc[4], acc[5], key[BELOW], key[ABOVE],
               out_key, out_i, out_f)  # fmt: skip
        key[NEXT] += 1


@_compiled
def _standard(lo, hi, n, mean, rng, d2_by_n, phase1):  # type: ignore[no-untyped-def]
    """One characteristic's centre (size-weighted mean of its phase I means) and sigma within
    (mean of R/d2) over its first ``phase1`` subgroups (all when ``phase1`` is 0)."""
    used, weight, total, ratios = 0.0, 0.0, 0.0, 0.0
    for i in range(lo, hi):
        if phase1 == 0 or i - lo < phase1:
            used += 1.0
            weight += n[i]
            total += n[i] * mean[i]
            ratios += rng[i] / d2_by_n[n[i]]
    return total / weight, ratios / used


@_compiled
def _points(lo, hi, at, n, mean, rng, d2_by_n, d3_by_n, center, sigma, nsigmas, limits, z, beyond, r_out, pos):  # type: ignore[no-untyped-def]
    """One characteristic's points ``lo`` to ``hi``, written from index ``lo - at`` on (see
    :func:`per_point`)."""
    first = lo
    for i in range(lo, hi):
        s = sigma / np.sqrt(np.float64(n[i]))
        lcl, ucl = center - nsigmas * s, center + nsigmas * s
        r_center, r_sigma = d2_by_n[n[i]] * sigma, d3_by_n[n[i]] * sigma
        r_ucl, r_lcl = r_center + nsigmas * r_sigma, r_center - nsigmas * r_sigma
        r_lcl = r_lcl if (r_lcl != r_lcl or r_lcl > 0.0) else 0.0
        o = i - at
        limits[0, o], limits[1, o], limits[2, o], limits[3, o], limits[4, o] = lcl, ucl, r_center, r_ucl, r_lcl
        z[o] = (mean[i] - center) / s
        beyond[o] = mean[i] > ucl or mean[i] < lcl
        r_out[o] = rng[i] > r_ucl or rng[i] < r_lcl
        if i == lo or mean[i] != mean[i] or mean[i - 1] != mean[i - 1]:
            first = i
        pos[o] = i - first


@_compiled
def per_point(starts, n, mean, rng, d2_by_n, d3_by_n, center, sigma, nsigmas):  # type: ignore[no-untyped-def]
    """Per point: X̄ limits, R centre and limits (rows of ``limits``: X̄ LCL, X̄ UCL, R centre,
    R UCL, R LCL), z = (X̄ - centre) / sigma of X̄, X̄ beyond its limits, R beyond its limits, and
    the point's place in its run (from 0 at a characteristic's start, at a missing X̄ and after one)."""
    size = n.size
    limits = np.empty((5, size))
    z, beyond, r_out, pos = np.empty(size), np.empty(size, np.bool_), np.empty(size, np.bool_), np.empty(size, np.int64)
    for j in range(starts.size):
        end = starts[j + 1] if j + 1 < starts.size else size
        _points(starts[j], end, 0, n, mean, rng, d2_by_n, d3_by_n, center[j], sigma[j], nsigmas, limits, z, beyond,
                r_out, pos)  # fmt: skip
    return limits, z, beyond, r_out, pos


@_compiled
def _conditions(kind, zone, z, stat, pos, a, b, c):  # type: ignore[no-untyped-def]
    """The conditions a rule counts over its window, per point (the patterns of
    :mod:`pacer.spc.rules`), into ``a``, ``b``, ``c``: zone: beyond +zone, beyond -zone; run:
    above, below the centre; hug: within 1 sigma; mixture: beyond 1 sigma, above +1, below -1;
    trend: up, down; alternate: a turn. A difference needs the point before in the same run, a turn
    the two before."""
    for i in range(z.size):
        a[i], b[i], c[i] = False, False, False
        if kind == 1:
            a[i], b[i] = z[i] > zone, z[i] < -zone
        elif kind == 2:
            a[i], b[i] = z[i] > 0, z[i] < 0
        elif kind == 3:
            a[i] = abs(z[i]) <= 1
        elif kind == 4:
            a[i], b[i], c[i] = abs(z[i]) > 1, z[i] > 1, z[i] < -1
        elif kind == 5:
            if i >= 1:
                d = stat[i] - stat[i - 1] if pos[i] >= 1 else np.nan
                a[i], b[i] = d > 0, d < 0
        elif kind == 6 and i >= 2 and pos[i] >= 2:
            a[i] = (stat[i] - stat[i - 1]) * (stat[i - 1] - stat[i - 2]) < 0


@_compiled
def _windows(kind, k, m, width, a, b, c, pos, stat, out):  # type: ignore[no-untyped-def]
    """Each point's flag into ``out``; how many points are flagged."""
    ca, cb, cc, flagged = 0, 0, 0, 0
    for i in range(a.size):
        ca, cb, cc = ca + a[i], cb + b[i], cc + c[i]
        if i >= width:
            ca, cb, cc = ca - a[i - width], cb - b[i - width], cc - c[i - width]
        full = pos[i] >= k - 1
        if kind == 1:
            flag = full and ((a[i] and ca >= m) or (b[i] and cb >= m))
        elif kind == 2 or kind == 5:
            flag = full and (ca == width or cb == width)
        elif kind == 4:
            flag = full and ca == width and cb > 0 and cc > 0
        else:
            flag = full and ca == width
        out[i] = flag and stat[i] == stat[i]
        flagged += out[i]
    return flagged


@_compiled
def _flags(kind, k, m, zone, z, stat, beyond, pos, a, b, c, out):  # type: ignore[no-untyped-def]
    """One rule's flag per point into ``out`` (``a``, ``b``, ``c``: room for the conditions); how
    many points are flagged."""
    if kind == 0:
        flagged = 0
        for i in range(z.size):
            out[i] = beyond[i] and stat[i] == stat[i]
            flagged += out[i]
        return flagged
    width = k - 1 if kind == 5 else (k - 2 if kind == 6 else k)
    _conditions(kind, zone, z, stat, pos, a, b, c)
    return _windows(kind, k, m, width, a, b, c, pos, stat, out)


def rule_flags(kind: int, k: int, m: int, zone: float, z: np.ndarray, stat: np.ndarray, beyond: np.ndarray,
               pos: np.ndarray) -> np.ndarray:  # fmt: skip
    """One rule's flag per point: the pattern completed over the last ``k`` points of one run
    (``pos``: each point's place in its run, see :func:`per_point`)."""
    size = z.size
    a, b, c, out = (np.empty(size, np.bool_) for _ in range(4))
    _flags(kind, k, m, float(zone), z, stat, beyond, pos, a, b, c, out)
    return out


@_compiled
def characteristics(first, last, starts, n, mean, rng, sd, below, above, d2_by_n, d3_by_n, phase1, nsigmas, kinds,  # type: ignore[no-untyped-def]
                    ks, ms, zones, center, sigma, counts, sums):  # fmt: skip
    """Characteristics ``first`` to ``last`` one after the other, each over its own points in
    room of one characteristic's size (nothing per point is kept): ``center``, ``sigma`` (see
    :func:`_standard`); ``counts``: per rule (``kinds``, ``ks``, ``ms``, ``zones``) and then for R
    beyond its limits, how many points are flagged; ``sums`` (see :func:`_capability`). Threads
    may run it over disjoint ranges at once."""
    size = n.size
    longest = 0
    for j in range(first, last):
        end = starts[j + 1] if j + 1 < starts.size else size
        longest = max(longest, end - starts[j])
    limits = np.empty((5, longest))
    z, beyond, r_out, pos = (
        np.empty(longest),
        np.empty(longest, np.bool_),
        np.empty(longest, np.bool_),
        np.empty(longest, np.int64),
    )
    a, b, c, out = (np.empty(longest, np.bool_), np.empty(longest, np.bool_), np.empty(longest, np.bool_),
                    np.empty(longest, np.bool_))  # fmt: skip
    for j in range(first, last):
        lo = starts[j]
        hi = starts[j + 1] if j + 1 < starts.size else size
        span = hi - lo
        center[j], sigma[j] = _standard(lo, hi, n, mean, rng, d2_by_n, phase1)
        _points(lo, hi, lo, n, mean, rng, d2_by_n, d3_by_n, center[j], sigma[j], nsigmas, limits, z, beyond, r_out,
                pos)  # fmt: skip
        stat = mean[lo:hi]
        for r in range(kinds.size):
            counts[r, j] = _flags(kinds[r], ks[r], ms[r], zones[r], z[:span], stat, beyond[:span], pos[:span], a[:span],
                                  b[:span], c[:span], out[:span])  # fmt: skip
        flagged = 0
        for i in range(span):
            flagged += r_out[i]
        counts[kinds.size, j] = flagged
        _capability(j, lo, hi, n, mean, sd, below, above, sums)


@_compiled
def _capability(j, lo, hi, n, mean, sd, below, above, sums):  # type: ignore[no-untyped-def]
    """One characteristic's rows of ``sums``: values, grand mean, overall SD (within and between
    subgroups), values below and above the specification."""
    values, total, low, high = 0.0, 0.0, 0.0, 0.0
    for i in range(lo, hi):
        values += n[i]
        total += n[i] * mean[i]
        low += below[i]
        high += above[i]
    grand = total / values
    within, between = 0.0, 0.0
    for i in range(lo, hi):
        w = (n[i] - 1) * sd[i] * sd[i]
        within += 0.0 if w != w else min(w, _LARGEST)
        d = mean[i] - grand
        between += n[i] * d * d
    sums[0, j], sums[1, j], sums[2, j] = values, grand, np.sqrt((within + between) / (values - 1))
    sums[3, j], sums[4, j] = low, high


@_compiled
def starts_of(key):  # type: ignore[no-untyped-def]
    """Where each run of equal keys starts."""
    count = 1 if key.size else 0
    for i in range(1, key.size):
        count += key[i] != key[i - 1]
    out = np.empty(count, np.int64)
    if key.size:
        out[0], g = 0, 1
        for i in range(1, key.size):
            if key[i] != key[i - 1]:
                out[g] = i
                g += 1
    return out
