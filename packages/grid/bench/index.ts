/**
 * Runs every benchmark of `@gridwork/grid` (`npm run bench`). Each bench file runs when
 * imported, prints its figures, and sets a non-zero exit code when it misses a target.
 * Add one import line per bench file.
 */
import "./lookup"
import "./partition"
