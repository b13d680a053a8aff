import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object, as plain JSON. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export const ROOT = path.resolve(__dirname, '../../..');
export const K8S_DIR = path.join(ROOT, 'deploy/k8s');
export const OVERLAYS = readdirSync(path.join(K8S_DIR, 'overlays')).sort();

/** The kubectl that renders kustomize (KUBECTL, else the one on PATH); null when there is none. */
export function findKubectl(): string | null {
  const candidate = process.env.KUBECTL || 'kubectl';
  const probe = spawnSync(candidate, ['version', '--client'], { encoding: 'utf8' });
  return probe.status === 0 ? candidate : null;
}

/** `kubectl kustomize deploy/k8s/overlays/<overlay>`, parsed; throws with kubectl's message. */
export function renderOverlay(kubectl: string, overlay: string): K8sObject[] {
  const result = spawnSync(kubectl, ['kustomize', path.join(K8S_DIR, 'overlays', overlay)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(`kubectl kustomize overlays/${overlay} failed: ${result.stderr.trim()}`);
  }
  return parseAllDocuments(result.stdout)
    .map((document) => document.toJSON() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null)
    .map(unwrapSecretData);
}

/**
 * kustomize folds long base64 values of generated Secrets over several lines; the API server's
 * decoder skips the line breaks, the schema's `byte` format does not: join them, as it reads them.
 */
function unwrapSecretData(object: K8sObject): K8sObject {
  const data =
    object.kind === 'Secret' ? (object.data as Record<string, string> | undefined) : undefined;
  if (!data) return object;
  const joined = Object.entries(data).map(([key, value]) => [key, value.replace(/\s+/g, '')]);
  return { ...object, data: Object.fromEntries(joined) };
}

/** A deep copy, for the cases that break one object and expect the checks to notice. */
export function cloneObjects(objects: K8sObject[]): K8sObject[] {
  return structuredClone(objects);
}
