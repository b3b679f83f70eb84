/**
 * The detector in force, swappable: `detector.model: FILE` names a weights file (written by
 * `clarion learn`); SIGHUP and POST /admin/reload re-read it. A file that cannot be read or does
 * not validate is rejected and the model in force stays (keep-last-good), like the policy. The swap
 * is one reference assignment: a request in flight finishes with the detector it started with.
 */
import type { Conversation } from '../conversation.js';
import type { Assessment } from './assessment.js';
import type { DetectorConfig } from './config.js';
import { createDetector, type Detector } from './index.js';
import { readWeightsFile } from './weights.js';

export interface DetectorStatus {
  ok: boolean;
  /** Id of the model in force (its weights' version). */
  modelId: string;
  /** The model file, or null for the shipped model. */
  file: string | null;
  lastError: string | null;
  loadedAt: string;
}

export interface DetectorHolder extends Detector {
  status(): DetectorStatus;
  /** Re-reads the model file; true when a valid model is in force afterwards. Never throws. */
  reload(): boolean;
}

/** Builds the detector from the config; `file` (resolved) overrides the shipped weights. Throws at start-up when the file is bad. */
export function createDetectorHolder(config: Partial<DetectorConfig>, file: string | null): DetectorHolder {
  const build = (): Detector => createDetector(file === null ? config : { ...config, weights: readWeightsFile(file) });
  let detector = build();
  let lastError: string | null = null;
  let loadedAt = new Date().toISOString();
  return {
    assess: (conversation: Conversation): Assessment => detector.assess(conversation),
    get threshold() {
      return detector.threshold;
    },
    get version() {
      return detector.version;
    },
    status: () => ({ ok: lastError === null, modelId: detector.version, file, lastError, loadedAt }),
    reload() {
      if (file === null) return true;
      try {
        detector = build();
        lastError = null;
        loadedAt = new Date().toISOString();
        return true;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
        return false;
      }
    },
  };
}
