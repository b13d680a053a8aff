import { createRequire } from 'node:module';
import path from 'node:path';
import { K8sObject, ROOT } from './rendered-manifests';

// kubernetes-models is published as ES modules with an `import`-only export map, which jest's
// CommonJS resolver refuses: its files are required by path instead (Node 24 requires ESM).
const requireModel = createRequire(__filename);
const MODELS = path.join(ROOT, 'node_modules/kubernetes-models');

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

/** The kubernetes-models class of an apiVersion and kind (`apps/v1` + `Deployment`), or null. */
export function modelClassOf(apiVersion: string, kind: string): ModelClass | null {
  // `v1` is the core group; others are `<group>/<version>`, the package's own folder layout
  if (!/^([a-z0-9.-]+\/)?v\d+((alpha|beta)\d+)?$/.test(apiVersion)) return null;
  let group: Record<string, unknown>;
  try {
    group = requireModel(path.join(MODELS, apiVersion, 'index.js')) as Record<string, unknown>;
  } catch {
    return null;
  }
  const model = group[kind];
  return typeof model === 'function' ? (model as ModelClass) : null;
}

/** Problems of one object against the Kubernetes OpenAPI schema of its kind. */
export function schemaProblems(object: K8sObject): string[] {
  const where = `${object.kind ?? '?'} ${object.metadata?.name ?? '?'}`;
  const Model = modelClassOf(String(object.apiVersion), String(object.kind));
  if (!Model) return [`${where}: unknown apiVersion/kind ${object.apiVersion}/${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (error) {
    return [`${where}: ${(error as Error).message}`];
  }
}
