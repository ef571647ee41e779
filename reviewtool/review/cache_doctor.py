"""Doctor's check of the persistent cache (see :mod:`reviewtool.review.doctor`) and its repair.

``cache``: where the cache is (:mod:`reviewtool.draft.cache`), how much it holds against
its bound (entries and the packs they are in), how much of it this reviewtool reads
(entries of other versions are never read and go first when the cache is trimmed), and
whether any entry or pack is damaged (every pack is read and checked). Damage is a
warning, not a problem: a damaged entry is ignored and rebuilt whenever it is read, and
nothing is lost with it. The repair writes each damaged pack again without its damaged
entries (a pack whose index cannot be read is removed), removes temporary files left by
stopped processes, and trims the cache to its bound.
"""

from __future__ import annotations

from reviewtool.diff.version_change import change_fingerprint
from reviewtool.draft import stored_document
from reviewtool.draft.cache import CacheReport, cache_for
from reviewtool.review.doctor import Check, DoctorContext, Finding
from reviewtool.wording import counted

CACHE_CHECK = "cache"
_REPAIR = "remove the damaged entries and trim the cache to its bound"


def _mb(size: int) -> str:
    """``734 KB``, ``12.3 MB``, ``256 MB``."""
    if size < 1024**2:
        return f"{round(size / 1024)} KB"
    mb = size / 1024**2
    return f"{mb:.0f} MB" if mb == int(mb) or mb >= 100 else f"{mb:.1f} MB"


def _report(ctx: DoctorContext) -> CacheReport:
    from reviewtool.diff.stored_diff import KIND as DIFF_KIND  # (here: doctor alone loads the differ)
    from reviewtool.diff.stored_words import KIND as WORDS_KIND

    current = {f"doc-{stored_document.fingerprint()}", f"change-{change_fingerprint()}",
               f"{DIFF_KIND}-{change_fingerprint()}", f"{WORDS_KIND}-{change_fingerprint()}"}
    report: CacheReport = ctx.cached("cache report", lambda: cache_for(ctx.repo).report(current))
    return report


def check_cache(ctx: DoctorContext) -> list[Finding]:
    """Size and state of the cache (see the module docs)."""
    report = _report(ctx)
    data = report.to_dict()
    if report.problems:
        return [Finding(CACHE_CHECK, "warning", "; ".join(report.problems), data=data)]
    if not report.entries:
        return [Finding(CACHE_CHECK, "ok", f"{report.path}: empty (bound {_mb(report.max_bytes)})", data=data)]
    ours = sum(n.entries for n in report.namespaces if n.current)
    others = report.entries - ours
    entries, packs = counted(report.entries, "entry", "entries"), counted(report.packs, "pack")
    message = (f"{_mb(report.bytes)} of {_mb(report.max_bytes)} in {entries}, {packs} "
               f"({ours} read by this version of reviewtool"
               + (f", {others} of other versions, trimmed first" if others else "") + f"): {report.path}")
    found: list[str] = []
    if report.damaged:
        found.append(f"{report.damaged} damaged (ignored and rebuilt when read)")
    if report.bytes > report.max_bytes:
        found.append("over its bound (the next command that writes trims it)")
    if report.temporary:
        found.append(f"{report.temporary} temporary files")
    if found:
        return [Finding(CACHE_CHECK, "warning", message + "; " + "; ".join(found), _REPAIR, data)]
    return [Finding(CACHE_CHECK, "ok", message, data=data)]


def repair_cache(ctx: DoctorContext, findings: list[Finding]) -> list[str]:
    cache = cache_for(ctx.repo)
    removed = cache.remove_damaged()
    trimmed = cache.trim(force_temporary=True)
    actions = []
    if removed:
        actions.append(f"removed {removed} damaged cache entries")
    if trimmed:
        actions.append(f"trimmed the cache by {_mb(trimmed)}")
    return actions or ["the cache needed nothing"]


CACHE_CHECKS = [Check(CACHE_CHECK, check_cache, repair_cache)]
