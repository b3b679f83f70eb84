/**
 * Locating and reading the committed weights file. The only I/O of the detector, done once when
 * a detector is created (never per request). Works from src/ (tsx) and dist/ (compiled): both
 * sit one level below the package root.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WeightsFileSchema, type WeightsFile } from './model.js';

/** The package's own directory, from src/detect or dist/detect. */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const DEFAULT_WEIGHTS_PATH = resolve(packageRoot, 'models', 'detector.json');

export class DetectorWeightsError extends Error {
  readonly code = 'CLARION_DETECTOR_WEIGHTS';
  constructor(path: string, reason: string) {
    super(`cannot load detector weights ${path}: ${reason}`);
    this.name = 'DetectorWeightsError';
  }
}

export function readWeightsFile(path: string = DEFAULT_WEIGHTS_PATH): WeightsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new DetectorWeightsError(path, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found (run `npm run train`)' : String(error));
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new DetectorWeightsError(path, 'not valid JSON');
  }
  const parsed = WeightsFileSchema.safeParse(json);
  if (!parsed.success) throw new DetectorWeightsError(path, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return parsed.data;
}
