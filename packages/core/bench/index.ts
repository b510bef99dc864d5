/**
 * Runs every benchmark of `@gridwork/core` (`npm run bench`). Each bench file runs when
 * imported, prints its figures, and sets a non-zero exit code when it misses a target.
 * Add one import line per bench file.
 */
import "./calendar.bench"
import "./ledger.bench"
import "./scheduler.bench"
import "./events.bench"
import "./responsibility.bench"
