/**
 * Runs every benchmark of the accountability service (`npm run bench`). Each bench file
 * runs when imported, prints its figures, and sets a non-zero exit code when it misses
 * a target.
 */
import "./writePath.bench"
