import { checkManifests, enabledRules, imageIsPinned, RULES } from '../../src/plugin';

/** A restricted, wired Deployment + Service pair; tests break one field at a time. */
function deployment(overrides: { name?: string; labels?: Record<string, string>; container?: any; selector?: any; namespace?: string } = {}): any {
  const labels = overrides.labels ?? { app: 'web' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: overrides.name ?? 'web', ...(overrides.namespace ? { namespace: overrides.namespace } : {}) },
    spec: {
      selector: overrides.selector ?? { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'web',
            image: 'nginxinc/nginx-unprivileged:1.27.2',
            ports: [{ containerPort: 8080, name: 'http' }],
            readinessProbe: { httpGet: { path: '/', port: 8080 } },
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '128Mi' } },
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            ...overrides.container,
          }],
        },
      },
    },
  };
}

function service(selector: Record<string, string> | undefined, extra: any = {}): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web-svc' },
    spec: { ...(selector ? { selector } : {}), ports: [{ port: 80, targetPort: 8080, name: 'http' }], ...extra },
  };
}

const messages = (manifests: any[], rule?: string) =>
  checkManifests(manifests).filter(f => rule === undefined || f.rule === rule).map(f => f.message);

test('a restricted, wired Deployment and Service pass every rule', () => {
  expect(checkManifests([deployment(), service({ app: 'web' })])).toEqual([]);
});

test('every rule has an id, a description and a fix', () => {
  expect(RULES.map(r => r.id)).toEqual([
    'restricted-pod-security', 'selector-matches-template', 'service-selects-pods', 'pdb-selects-pods',
    'scale-target-exists', 'ingress-backend-exists', 'route-backend-exists', 'rolebinding-refs-exist', 'image-pinned',
    'container-requests', 'memory-limit', 'volume-mounts-exist', 'port-names-valid', 'readiness-probe',
  ]);
  for (const r of RULES) {
    expect(r.description.length).toBeGreaterThan(10);
    expect(r.fix.length).toBeGreaterThan(10);
  }
});

describe('restricted-pod-security', () => {
  test('a privileged container is named with its field', () => {
    const m = deployment({ container: { securityContext: { privileged: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } } });
    expect(messages([m, service({ app: 'web' })])).toEqual([
      'Deployment/web: spec.template.spec.containers[web].securityContext.privileged must not be true',
    ]);
  });

  test('pod-level fields, volumes and CronJob paths', () => {
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'nightly' },
      spec: {
        schedule: '0 0 * * *',
        jobTemplate: {
          spec: {
            template: {
              spec: {
                hostNetwork: true,
                volumes: [{ name: 'host', hostPath: { path: '/' } }],
                securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
                restartPolicy: 'Never',
                containers: [{
                  name: 'job',
                  image: 'busybox:1.36',
                  resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { memory: '16Mi' } },
                  securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
                }],
              },
            },
          },
        },
      },
    };
    expect(messages([cron], 'restricted-pod-security')).toEqual([
      'CronJob/nightly: spec.jobTemplate.spec.template.spec.hostNetwork must not be true',
      'CronJob/nightly: spec.jobTemplate.spec.template.spec.volumes[host] type hostPath is not allowed (allowed: configMap, csi, downwardAPI, emptyDir, ephemeral, persistentVolumeClaim, projected, secret)',
    ]);
  });

  test('a missing seccomp profile and capabilities are reported per container', () => {
    const m = deployment();
    delete m.spec.template.spec.securityContext.seccompProfile;
    delete m.spec.template.spec.containers[0].securityContext.capabilities;
    expect(messages([m, service({ app: 'web' })], 'restricted-pod-security')).toEqual([
      'Deployment/web: spec.template.spec.containers[web].securityContext.capabilities.drop must include ALL',
      'Deployment/web: spec.template.spec.containers[web].securityContext.seccompProfile.type must be RuntimeDefault or Localhost (here or on the pod)',
    ]);
  });
});

describe('selector-matches-template', () => {
  test('a selector that does not select the template', () => {
    const m = deployment({ selector: { matchLabels: { app: 'other' } } });
    expect(messages([m], 'selector-matches-template')).toEqual([
      'Deployment/web: spec.selector {"matchLabels":{"app":"other"}} does not select spec.template.metadata.labels {"app":"web"}',
    ]);
  });

  test('a missing selector, and matchExpressions', () => {
    const missing = deployment({ name: 'nosel' });
    delete missing.spec.selector;
    const exprOk = deployment({ name: 'expr-ok', selector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'api'] }] } });
    const exprBad = deployment({ name: 'expr-bad', selector: { matchExpressions: [{ key: 'tier', operator: 'Exists' }] } });
    expect(messages([missing, exprOk, exprBad], 'selector-matches-template')).toEqual([
      'Deployment/nosel: spec.selector is missing or empty',
      'Deployment/expr-bad: spec.selector {"matchExpressions":[{"key":"tier","operator":"Exists"}]} does not select spec.template.metadata.labels {"app":"web"}',
    ]);
  });
});

describe('service-selects-pods', () => {
  test('a Service selecting nothing is named', () => {
    expect(messages([deployment(), service({ app: 'nothing' })])).toEqual([
      'Service/web-svc: spec.selector {"app":"nothing"} selects no pod template in the synthesized manifests',
    ]);
  });

  test('Services without selector, ExternalName Services and other namespaces', () => {
    expect(messages([service(undefined)])).toEqual([]);
    expect(messages([service({ app: 'x' }, { type: 'ExternalName', externalName: 'db.example.com' })])).toEqual([]);
    const other = { ...service({ app: 'web' }), metadata: { name: 'web-svc', namespace: 'b' } };
    expect(messages([deployment({ namespace: 'a' }), other], 'service-selects-pods')).toHaveLength(1);
  });

  test('selectors are matched through their rarest label: a label most pods share changes no finding', () => {
    // Many pods share `component: api`; each Service also names one instance.
    const fleet = Array.from({ length: 50 }, (_, i) => deployment({ name: `web-${i}`, labels: { component: 'api', instance: `web-${i}` } }));
    const svc = (instance: string) => ({ ...service({ component: 'api', instance }), metadata: { name: `svc-${instance}` } });
    expect(messages([...fleet, svc('web-49'), svc('web-0')], 'service-selects-pods')).toEqual([]);
    expect(messages([...fleet, svc('web-50')], 'service-selects-pods')).toEqual([
      'Service/svc-web-50: spec.selector {"component":"api","instance":"web-50"} selects no pod template in the synthesized manifests',
    ]);
    // A label no pod carries decides at once; the others are still all required.
    expect(messages([...fleet, { ...service({ component: 'api', instance: 'web-1', zone: 'x' }), metadata: { name: 'svc-x' } }], 'service-selects-pods')).toHaveLength(1);
  });
});

describe('pdb-selects-pods', () => {
  const pdb = (selector: any) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'web-pdb' }, spec: { minAvailable: 1, ...(selector ? { selector } : {}) } });
  test('matching, missing and wrong selectors', () => {
    expect(messages([deployment(), pdb({ matchLabels: { app: 'web' } })], 'pdb-selects-pods')).toEqual([]);
    expect(messages([deployment(), pdb(undefined)], 'pdb-selects-pods')).toEqual([
      'PodDisruptionBudget/web-pdb: spec.selector is missing, so the budget protects no pod',
    ]);
    expect(messages([deployment(), pdb({ matchLabels: { app: 'api' } })], 'pdb-selects-pods')).toEqual([
      'PodDisruptionBudget/web-pdb: spec.selector {"matchLabels":{"app":"api"}} selects no pod template in the synthesized manifests',
    ]);
  });
});

describe('scale-target-exists', () => {
  const hpa = (kind: string, name: string) => ({
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name: 'web-hpa' },
    spec: { minReplicas: 2, maxReplicas: 4, scaleTargetRef: { apiVersion: 'apps/v1', kind, name } },
  });
  test('an HPA of a missing workload', () => {
    expect(messages([deployment(), hpa('Deployment', 'web')], 'scale-target-exists')).toEqual([]);
    expect(messages([deployment(), hpa('Deployment', 'api')], 'scale-target-exists')).toEqual([
      'HorizontalPodAutoscaler/web-hpa: spec.scaleTargetRef points at Deployment/api, which is not in the synthesized manifests',
    ]);
    expect(messages([deployment(), hpa('StatefulSet', 'web')], 'scale-target-exists')).toEqual([
      'HorizontalPodAutoscaler/web-hpa: spec.scaleTargetRef points at StatefulSet/web, which is not in the synthesized manifests',
    ]);
  });
  test('a KEDA ScaledObject defaults to a Deployment', () => {
    const so = (name: string) => ({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'web-so' }, spec: { scaleTargetRef: { name }, triggers: [] } });
    expect(messages([deployment(), so('web')], 'scale-target-exists')).toEqual([]);
    expect(messages([deployment(), so('gone')], 'scale-target-exists')).toEqual([
      'ScaledObject/web-so: spec.scaleTargetRef points at Deployment/gone, which is not in the synthesized manifests',
    ]);
  });
});

describe('ingress-backend-exists', () => {
  const ingress = (name: string, port: any) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name: 'web-ing' },
    spec: { rules: [{ http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name, port } } }] } }] },
  });
  test('missing Services and ports are named', () => {
    const base = [deployment(), service({ app: 'web' })];
    expect(messages([...base, ingress('web-svc', { name: 'http' })], 'ingress-backend-exists')).toEqual([]);
    expect(messages([...base, ingress('web-svc', { number: 80 })], 'ingress-backend-exists')).toEqual([]);
    expect(messages([...base, ingress('api', { number: 80 })], 'ingress-backend-exists')).toEqual([
      'Ingress/web-ing: spec.rules[0].http.paths[0].backend.service points at Service/api, which is not in the synthesized manifests',
    ]);
    expect(messages([...base, ingress('web-svc', { number: 8443 })], 'ingress-backend-exists')).toEqual([
      'Ingress/web-ing: spec.rules[0].http.paths[0].backend.service.port {"number":8443} is not a port of Service/web-svc',
    ]);
  });
});

describe('route-backend-exists', () => {
  const route = (backendRefs: any[]) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'web-route' },
    spec: { parentRefs: [{ name: 'public' }], rules: [{ backendRefs }] },
  });
  test('missing Services and ports are named; other namespaces and kinds are left alone', () => {
    const base = [deployment(), service({ app: 'web' })];
    expect(messages([...base, route([{ name: 'web-svc', port: 80, weight: 90 }])], 'route-backend-exists')).toEqual([]);
    expect(messages([...base, route([{ name: 'other', namespace: 'elsewhere', port: 80 }, { group: 'example.io', kind: 'Bucket', name: 'b' }])], 'route-backend-exists')).toEqual([]);
    expect(messages([...base, route([{ name: 'web-svc', port: 80 }, { name: 'canary', port: 80 }])], 'route-backend-exists')).toEqual([
      'HTTPRoute/web-route: spec.rules[0].backendRefs[1] points at Service/canary, which is not in the synthesized manifests',
    ]);
    expect(messages([...base, route([{ name: 'web-svc', port: 8443 }])], 'route-backend-exists')).toEqual([
      'HTTPRoute/web-route: spec.rules[0].backendRefs[0].port 8443 is not a port of Service/web-svc',
    ]);
  });
});

describe('rolebinding-refs-exist', () => {
  const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'lease' }, rules: [] };
  const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'app' } };
  const binding = (roleKind: string, roleName: string, saName: string, kind = 'RoleBinding') => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind,
    metadata: { name: 'bind' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: roleName },
    subjects: [{ kind: 'ServiceAccount', name: saName }],
  });
  test('existing Role and ServiceAccount', () => {
    expect(messages([role, sa, binding('Role', 'lease', 'app')])).toEqual([]);
  });
  test('a missing Role and a missing ServiceAccount are named', () => {
    expect(messages([binding('Role', 'gone', 'nobody')])).toEqual([
      'RoleBinding/bind: roleRef points at Role/gone, which is not in the synthesized manifests',
      'RoleBinding/bind: subjects[0] points at ServiceAccount/nobody, which is not in the synthesized manifests',
    ]);
  });
  test('ClusterRoles may be external; the default ServiceAccount always exists', () => {
    expect(messages([sa, binding('ClusterRole', 'view', 'app')])).toEqual([]);
    expect(messages([binding('ClusterRole', 'view', 'default', 'ClusterRoleBinding')])).toEqual([]);
    expect(messages([binding('ClusterRole', 'view', 'ghost', 'ClusterRoleBinding')])).toEqual([
      'ClusterRoleBinding/bind: subjects[0] points at ServiceAccount/ghost, which is not in the synthesized manifests',
    ]);
  });
});

describe('image-pinned', () => {
  test('latest, untagged and missing images are named; tags and digests pass', () => {
    const latest = deployment({ name: 'a', container: { image: 'nginx:latest' } });
    const untagged = deployment({ name: 'b', container: { image: 'registry.local:5000/team/nginx' } });
    expect(messages([latest, untagged], 'image-pinned')).toEqual([
      'Deployment/a: spec.template.spec.containers[web].image "nginx:latest" is not pinned to a tag other than latest (or to a digest)',
      'Deployment/b: spec.template.spec.containers[web].image "registry.local:5000/team/nginx" is not pinned to a tag other than latest (or to a digest)',
    ]);
    expect(imageIsPinned('registry.local:5000/team/nginx:1.2')).toBe(true);
    expect(imageIsPinned(`nginx@sha256:${'a'.repeat(64)}`)).toBe(true);
    expect(imageIsPinned(undefined)).toBe(false);
  });
});

describe('container-requests', () => {
  test('missing requests are named per container and resource', () => {
    const m = deployment({ container: { resources: { requests: { cpu: '100m' } } } });
    expect(messages([m], 'container-requests')).toEqual([
      'Deployment/web: spec.template.spec.containers[web].resources.requests has no memory request',
    ]);
    const none = deployment({ container: { resources: undefined } });
    expect(messages([none], 'container-requests')).toEqual([
      'Deployment/web: spec.template.spec.containers[web].resources.requests has no cpu and memory request',
    ]);
  });
});

describe('readiness-probe', () => {
  test('a long-running container with a port and no readiness probe', () => {
    const m = deployment({ container: { readinessProbe: undefined } });
    expect(messages([m], 'readiness-probe')).toEqual([
      'Deployment/web: spec.template.spec.containers[web].readinessProbe is missing: the container exposes port(s) http',
    ]);
  });
  test('containers without ports, init containers and Job pods are exempt; native sidecars are not', () => {
    const noPort = deployment({ container: { readinessProbe: undefined, ports: undefined } });
    expect(messages([noPort], 'readiness-probe')).toEqual([]);
    const job = deployment({ container: { readinessProbe: undefined } });
    job.kind = 'Job';
    job.apiVersion = 'batch/v1';
    delete job.spec.selector;
    expect(messages([job], 'readiness-probe')).toEqual([]);
    const withSidecar = deployment();
    const sidecar = { ...withSidecar.spec.template.spec.containers[0], name: 'proxy', readinessProbe: undefined };
    withSidecar.spec.template.spec.initContainers = [{ ...sidecar, restartPolicy: 'Always' }, { ...sidecar, name: 'init' }];
    expect(messages([withSidecar], 'readiness-probe')).toEqual([
      'Deployment/web: spec.template.spec.initContainers[proxy].readinessProbe is missing: the container exposes port(s) http',
    ]);
  });
});

describe('memory-limit, volume-mounts-exist, port-names-valid', () => {
  test('missing memory limit, a mount of a missing volume, a duplicate container and a long port name are named', () => {
    const m = deployment();
    const c = m.spec.template.spec.containers[0];
    delete c.resources.limits;
    c.volumeMounts = [{ name: 'cache', mountPath: '/cache' }];
    c.ports = [{ containerPort: 8080, name: 'http-application-port' }];
    m.spec.template.spec.containers.push({ ...c, volumeMounts: [], ports: [] });
    expect(messages([m], 'memory-limit')).toEqual([
      `Deployment/web: spec.template.spec.containers[${c.name}].resources.limits.memory is missing`,
      `Deployment/web: spec.template.spec.containers[${c.name}].resources.limits.memory is missing`,
    ]);
    expect(messages([m], 'volume-mounts-exist')).toEqual([
      `Deployment/web: spec.template.spec.containers[${c.name}].volumeMounts[/cache] names volume "cache", which the pod does not have`,
      `Deployment/web: spec.template.spec.containers[${c.name}].name "${c.name}" is used by another container of the pod`,
    ]);
    expect(messages([m], 'port-names-valid')).toEqual([
      `Deployment/web: spec.template.spec.containers[${c.name}].ports[8080].name "http-application-port" is not an IANA service name (at most 15 characters of a-z, 0-9 and "-", with a letter)`,
    ]);
  });

  test('a StatefulSet may mount its volumeClaimTemplates', () => {
    const m = deployment();
    m.kind = 'StatefulSet';
    m.spec.volumeClaimTemplates = [{ metadata: { name: 'data' }, spec: {} }];
    m.spec.template.spec.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }];
    expect(messages([m], 'volume-mounts-exist')).toEqual([]);
  });
});

describe('disabledRules', () => {
  test('switches single rules off', () => {
    const m = deployment({ container: { image: 'nginx', readinessProbe: undefined } });
    expect(checkManifests([m]).map(f => f.rule)).toEqual(['image-pinned', 'readiness-probe']);
    expect(checkManifests([m], { disabledRules: ['readiness-probe'] }).map(f => f.rule)).toEqual(['image-pinned']);
    expect(checkManifests([m], { disabledRules: ['readiness-probe', 'image-pinned'] })).toEqual([]);
  });
  test('rejects unknown rule ids', () => {
    expect(() => enabledRules({ disabledRules: ['no-such-rule'] })).toThrow(/unknown rule id\(s\) no-such-rule; known rules: restricted-pod-security/);
  });
  test('ignores documents that are not objects', () => {
    expect(checkManifests([null, 'text', { apiVersion: 'v1' }])).toEqual([]);
  });
});
