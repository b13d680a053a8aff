import { K8sObject } from './rendered-manifests';

/** The parts of a container the checks read (rendered JSON, loosely typed). */
export interface Container {
  name: string;
  image?: string;
  imagePullPolicy?: string;
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      configMapKeyRef?: { name: string; key: string; optional?: boolean };
      secretKeyRef?: { name: string; key: string; optional?: boolean };
    };
  }>;
  envFrom?: Array<{
    configMapRef?: { name: string; optional?: boolean };
    secretRef?: { name: string };
  }>;
  [field: string]: unknown;
}

/** A container's environment as far as the rendered objects tell it. */
export interface ContainerEnv {
  /** every variable name it sets, from env and from the ConfigMaps of envFrom */
  names: string[];
  /** the values that can be known: literals, ConfigMap keys, Secrets rendered (local) */
  values: Record<string, string>;
  problems: string[];
}

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((object) => object.kind === kind && object.metadata.name === name);
}

function secretValue(secret: K8sObject, key: string): string | undefined {
  const { data, stringData } = secret as {
    data?: Record<string, string>;
    stringData?: Record<string, string>;
  };
  if (stringData?.[key] !== undefined) return stringData[key];
  return data?.[key] === undefined ? undefined : Buffer.from(data[key], 'base64').toString('utf8');
}

export function containerEnv(container: Container, objects: K8sObject[]): ContainerEnv {
  const names: string[] = [];
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const source of container.envFrom ?? []) {
    if (source.secretRef) {
      problems.push(`envFrom secretRef ${source.secretRef.name}: list its keys under env instead`);
    }
    if (!source.configMapRef) continue;
    const configMap = find(objects, 'ConfigMap', source.configMapRef.name);
    if (!configMap) {
      if (!source.configMapRef.optional) {
        problems.push(`envFrom ConfigMap ${source.configMapRef.name} is not in the manifests`);
      }
      continue;
    }
    for (const [key, value] of Object.entries((configMap.data ?? {}) as Record<string, string>)) {
      names.push(key);
      values[key] = value;
    }
  }
  for (const variable of container.env ?? []) {
    names.push(variable.name);
    const fromConfigMap = variable.valueFrom?.configMapKeyRef;
    const fromSecret = variable.valueFrom?.secretKeyRef;
    if (variable.value !== undefined) values[variable.name] = variable.value;
    else if (fromConfigMap) {
      const value = (
        find(objects, 'ConfigMap', fromConfigMap.name)?.data as Record<string, string> | undefined
      )?.[fromConfigMap.key];
      if (value !== undefined) values[variable.name] = value;
      else if (!fromConfigMap.optional) {
        problems.push(
          `${variable.name}: ConfigMap ${fromConfigMap.name} has no ${fromConfigMap.key}`,
        );
      }
    } else if (fromSecret) {
      const secret = find(objects, 'Secret', fromSecret.name);
      const value = secret && secretValue(secret, fromSecret.key);
      if (value !== undefined) values[variable.name] = value;
      // a Secret that is rendered must hold the key; others come from outside (production)
      else if (secret && !fromSecret.optional) {
        problems.push(`${variable.name}: Secret ${fromSecret.name} has no ${fromSecret.key}`);
      }
    }
  }
  return { names, values, problems };
}

/** Host names of the URLs among the values (`http://order:8005` → order). */
export function urlHosts(values: Record<string, string>): string[] {
  const hosts: string[] = [];
  for (const value of Object.values(values)) {
    try {
      const url = new URL(value);
      if (url.hostname) hosts.push(url.hostname.split('.')[0]);
    } catch {
      // not a URL
    }
  }
  return hosts;
}
