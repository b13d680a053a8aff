// deploy/k8s without a cluster: each overlay is rendered with `kubectl kustomize`, every object
// is validated against the Kubernetes schemas (kubernetes-models), then against what the code
// says: probes, limits, non-root read-only containers, the drain, env names from the services'
// zod schemas, NetworkPolicies from the caller matrix and the services' upstreams, replicas.
// Broken copies of the rendered manifests prove each check reports what it is for.
import { Logger } from '@nestjs/common';
import { SERVICE_NAMES } from '@app/platform';
import { serviceKeyCallers } from './support/caller-matrix';
import { schemaProblems } from './support/kubernetes-schema';
import { CheckContext, manifestProblems, serviceOf } from './support/manifest-checks';
import { Container, containerEnv } from './support/pod-env';
import {
  K8sObject,
  OVERLAYS,
  cloneObjects,
  findKubectl,
  renderOverlay,
} from './support/rendered-manifests';
import { ServiceProfile, serviceProfile } from './support/service-profiles';

const kubectl = findKubectl();

if (!kubectl) {
  const message = 'kubectl not found (PATH, or KUBECTL=): deploy/k8s was not rendered';
  if (process.env.REQUIRE_KUBECTL === '1') {
    it('renders deploy/k8s with kubectl', () => {
      throw new Error(`${message}, and REQUIRE_KUBECTL=1 asks for it`);
    });
  } else {
    console.warn(`${message}; skipped (REQUIRE_KUBECTL=1 makes this a failure)`);
    it.skip(`${message} (REQUIRE_KUBECTL=1 makes this a failure)`, () => undefined);
  }
} else {
  describeManifests(kubectl);
}

type Workload = K8sObject & {
  spec: {
    replicas?: number;
    template: { spec: { containers: Container[]; terminationGracePeriodSeconds?: number } };
  };
};

function describeManifests(kubectl: string) {
  const rendered = new Map(OVERLAYS.map((overlay) => [overlay, renderOverlay(kubectl, overlay)]));
  const profiles = new Map<string, ServiceProfile>();
  const callers = serviceKeyCallers();
  const contextFor = (overlay: string): CheckContext => ({
    overlay,
    profiles,
    serviceKeyCallers: callers,
  });

  const local = rendered.get('local');
  if (!local) throw new Error('deploy/k8s/overlays/local is missing');
  const workloadsOf = (objects: K8sObject[]) =>
    objects.filter((o): o is Workload => o.kind === 'Deployment' || o.kind === 'StatefulSet');
  const platformWorkloads = workloadsOf(local).filter((w) => serviceOf(w));

  // Each service's root module is built from the env its local manifest gives it (ConfigMaps
  // and the development Secrets rendered there), as its main.ts would: a variable its schema
  // refuses throws here. The production overlay has the same ConfigMaps and no Secrets (they
  // come from outside), so the profiles of local stand for both.
  beforeAll(async () => {
    // building seven root modules in one process: TypeORM's registry warns of the shared name
    Logger.overrideLogger(['error']);
    for (const workload of platformWorkloads) {
      const service = serviceOf(workload)!;
      const env = containerEnv(workload.spec.template.spec.containers[0], local).values;
      profiles.set(service, await serviceProfile(service, env));
    }
  });

  it('every service and the gateway have a Deployment in every overlay', () => {
    for (const [overlay, objects] of rendered) {
      const services = workloadsOf(objects).map(serviceOf).filter(Boolean).sort();
      expect({ overlay, services }).toEqual({
        overlay,
        services: [...SERVICE_NAMES, 'gateway'].sort(),
      });
    }
  });

  it.each(OVERLAYS)(
    'overlays/%s: every object is valid against the Kubernetes schemas',
    (overlay) => {
      const objects = rendered.get(overlay)!;
      expect(objects.length).toBeGreaterThan(40);
      expect(objects.flatMap(schemaProblems)).toEqual([]);
    },
  );

  it.each(OVERLAYS)('overlays/%s: passes the platform checks', (overlay) => {
    expect(manifestProblems(rendered.get(overlay)!, contextFor(overlay))).toEqual([]);
  });

  it('the services read every variable their manifests set, and start with them (local)', () => {
    expect([...profiles.keys()].sort()).toEqual([...SERVICE_NAMES, 'gateway'].sort());
    // the user service calls the subscribers its ConfigMap names: all six others
    expect(profiles.get('user')!.upstreams.sort()).toEqual(
      SERVICE_NAMES.filter((name) => name !== 'user').sort(),
    );
  });

  describe('a broken manifest is reported', () => {
    interface Case {
      overlay: string;
      what: string;
      expected: string;
      breaks: (objects: K8sObject[]) => void;
    }
    const cases: Case[] = [];
    const find = (objects: K8sObject[], kind: string, name: string) =>
      objects.find((o) => o.kind === kind && o.metadata.name === name) as Workload;
    const containerOf = (objects: K8sObject[], workload: Workload, name: string) =>
      find(objects, workload.kind, workload.metadata.name).spec.template.spec.containers.find(
        (c) => c.name === name,
      )!;

    for (const workload of workloadsOf(local)) {
      const where = `${workload.kind} ${workload.metadata.name}`;
      const service = serviceOf(workload);
      for (const container of workload.spec.template.spec.containers) {
        const at = `${where} container ${container.name}`;
        const probes = ['readinessProbe', 'livenessProbe', ...(service ? ['startupProbe'] : [])];
        for (const probe of probes) {
          cases.push({
            overlay: 'local',
            what: `${at} without its ${probe}`,
            expected: `${at}: no ${probe}`,
            breaks: (objects) => delete containerOf(objects, workload, container.name)[probe],
          });
        }
        cases.push({
          overlay: 'local',
          what: `${at} as root`,
          expected: `${at}: runs as root (runAsUser 0)`,
          breaks: (objects) => {
            const target = containerOf(objects, workload, container.name);
            target.securityContext = { ...(target.securityContext as object), runAsUser: 0 };
          },
        });
        cases.push({
          overlay: 'local',
          what: `${at} with a writable root filesystem`,
          expected: `${at}: readOnlyRootFilesystem is not true`,
          breaks: (objects) => {
            const target = containerOf(objects, workload, container.name);
            target.securityContext = {
              ...(target.securityContext as object),
              readOnlyRootFilesystem: false,
            };
          },
        });
        cases.push({
          overlay: 'local',
          what: `${at} without limits`,
          expected: `${at}: no resources.limits.memory`,
          breaks: (objects) => {
            delete (
              containerOf(objects, workload, container.name).resources as { limits?: unknown }
            ).limits;
          },
        });
        if (service) {
          cases.push({
            overlay: 'local',
            what: `${at} with a variable its schema does not know`,
            expected: `${at}: ${service.toUpperCase()}_UNKNOWN_SETTING is not a variable of the ${service} configuration`,
            breaks: (objects) =>
              containerOf(objects, workload, container.name).env!.push({
                name: `${service.toUpperCase()}_UNKNOWN_SETTING`,
                value: '1',
              }),
          });
        }
      }
      if (service) {
        cases.push({
          overlay: 'local',
          what: `${where} killed before its drain ends`,
          expected: `${where}: terminationGracePeriodSeconds 10 does not cover`,
          breaks: (objects) => {
            find(
              objects,
              workload.kind,
              workload.metadata.name,
            ).spec.template.spec.terminationGracePeriodSeconds = 10;
          },
        });
        cases.push({
          overlay: 'production',
          what: `${where} with one replica in production`,
          expected: `${where}: 1 replica(s), fewer than 2`,
          breaks: (objects) => {
            find(objects, workload.kind, workload.metadata.name).spec.replicas = 1;
          },
        });
      }
      cases.push({
        overlay: 'local',
        what: `${where} with two replicas in local`,
        expected: `${where}: 2 replicas, not 1`,
        breaks: (objects) => {
          find(objects, workload.kind, workload.metadata.name).spec.replicas = 2;
        },
      });
    }

    // a key in a service's own ConfigMap (envFrom) is checked as well as env entries
    for (const configMap of local.filter(
      (o) => o.kind === 'ConfigMap' && /-config$/.test(o.metadata.name),
    )) {
      if (configMap.metadata.name === 'platform-config') continue;
      cases.push({
        overlay: 'local',
        what: `ConfigMap ${configMap.metadata.name} with an unknown key`,
        expected: 'NOT_READ_BY_ANYONE is not a variable of the',
        breaks: (objects) => {
          const target = find(objects, 'ConfigMap', configMap.metadata.name) as unknown as {
            data: Record<string, string>;
          };
          target.data.NOT_READ_BY_ANYONE = 'x';
        },
      });
      // an upstream URL left out would make the service call localhost
      for (const key of Object.keys((configMap.data ?? {}) as object).filter((k) =>
        k.endsWith('_SERVICE_URL'),
      )) {
        if (configMap.metadata.name === 'gateway-config') continue;
        cases.push({
          overlay: 'local',
          what: `ConfigMap ${configMap.metadata.name} without ${key}`,
          expected: `sets no ${key}`,
          breaks: (objects) => {
            delete (
              find(objects, 'ConfigMap', configMap.metadata.name) as unknown as {
                data: Record<string, string>;
              }
            ).data[key];
          },
        });
      }
    }

    for (const [overlay, objects] of rendered) {
      for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
        const name = `NetworkPolicy ${policy.metadata.name}`;
        type Rules = { spec: { ingress: Array<{ from?: Array<Record<string, unknown>> }> } };
        const rules = (objects: K8sObject[]) =>
          (find(objects, 'NetworkPolicy', policy.metadata.name) as unknown as Rules).spec.ingress;
        if ((policy as unknown as Rules).spec.ingress[0].from) {
          cases.push({
            overlay,
            what: `${name} opened to a pod that does not call it`,
            expected: `${name}: admits intruder`,
            breaks: (objects) =>
              rules(objects)[0].from!.push({
                podSelector: { matchLabels: { 'app.kubernetes.io/name': 'intruder' } },
              }),
          });
          cases.push({
            overlay,
            what: `${name} closed to one of its callers`,
            expected: `${name}: does not admit`,
            breaks: (objects) => rules(objects)[0].from!.shift(),
          });
          cases.push({
            overlay,
            what: `${name} opened to every namespace`,
            expected: `${name}: admits (anyone)`,
            breaks: (objects) => rules(objects)[0].from!.push({ namespaceSelector: {} }),
          });
        }
      }
    }

    // a service key that is not its entry in the map the others accept
    for (const workload of platformWorkloads) {
      const service = serviceOf(workload)!;
      cases.push({
        overlay: 'local',
        what: `the key map without ${service}'s own key`,
        expected: `SERVICE_API_KEYS.${service} is not ${service}'s SERVICE_API_KEY`,
        breaks: (objects) => {
          const secret = objects.find(
            (o) => o.kind === 'Secret' && o.metadata.name.startsWith('service-api-keys'),
          ) as unknown as { data: Record<string, string> };
          secret.data[service] = Buffer.from(`another-${service}-key-0123456789`).toString(
            'base64',
          );
        },
      });
    }

    cases.push({
      overlay: 'production',
      what: 'production without autoscalers',
      expected: 'production: no HorizontalPodAutoscaler',
      breaks: (objects) =>
        objects.splice(
          0,
          objects.length,
          ...objects.filter((o) => o.kind !== 'HorizontalPodAutoscaler'),
        ),
    });

    it.each(cases.map((c) => [c.overlay, c.what, c] as const))(
      'overlays/%s: %s',
      (overlay, _what, c) => {
        const objects = cloneObjects(rendered.get(overlay)!);
        c.breaks(objects);
        const problems = manifestProblems(objects, contextFor(overlay));
        expect(problems.some((problem) => problem.includes(c.expected))).toBe(true);
      },
    );

    it('an object the Kubernetes schema refuses, and a kind it does not know', () => {
      const objects = cloneObjects(local);
      const deployment = objects.find((o) => o.kind === 'Deployment') as Workload;
      (deployment.spec as { replicas: unknown }).replicas = 'two';
      expect(schemaProblems(deployment)).toEqual([
        `Deployment ${deployment.metadata.name}: data/spec/replicas must be integer`,
      ]);
      expect(
        schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }),
      ).toEqual(['Widget w: unknown apiVersion/kind example.com/v1/Widget']);
      expect(
        schemaProblems({ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'd' } }),
      ).toEqual(['Deploymnet d: unknown apiVersion/kind apps/v1/Deploymnet']);
    });
  });
}
