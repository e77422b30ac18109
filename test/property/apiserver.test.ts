import { apiServerProblems } from './apiserver';

// The oracle's rules for the kinds of the release, traffic and scaling patterns: each one is shown
// to find what the API server (or the HTTPRoute CRD's CEL rules) refuses, and to pass what it takes.
describe('apiServerProblems: rules of the newer kinds', () => {
  const route = (value: string, hostnames = ['shop.example.com']) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name: 'r' },
    spec: { hostnames, rules: [{ matches: [{ path: { type: 'PathPrefix', value } }] }] },
  });
  test('HTTPRoute path prefixes and host names', () => {
    expect(apiServerProblems([route('/api')])).toEqual([]);
    for (const bad of ['/a//b', '/a/./b', '/a/../b', '/%2F', '/x/..', '/%zz']) expect(apiServerProblems([route(bad)])).toHaveLength(1);
    expect(apiServerProblems([route('/', [`*.${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`])])).toHaveLength(1);
  });

  test('EndpointSlice addresses', () => {
    const slice = (type: string, address: string) => ({
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's' }, addressType: type, endpoints: [{ addresses: [address] }],
    });
    expect(apiServerProblems([slice('IPv4', '10.0.0.5'), slice('IPv6', '2001:db8::1')])).toEqual([]);
    for (const [type, bad] of [['IPv4', '127.0.0.1'], ['IPv4', '169.254.1.1'], ['IPv6', 'fe90::1'], ['IPv6', '::ffff:7f00:1'], ['IPv6', 'ff02::1']]) {
      expect(apiServerProblems([slice(type, bad)])).toHaveLength(1);
    }
  });

  test('NetworkPolicy peers and ResourceQuota quantities', () => {
    const policy = (peer: any) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'p' },
      spec: { podSelector: {}, ingress: [{ from: [peer], ports: [{ port: 8080, protocol: 'TCP' }] }] },
    });
    expect(apiServerProblems([policy({ ipBlock: { cidr: '10.0.0.0/8' } })])).toEqual([]);
    expect(apiServerProblems([policy({ ipBlock: { cidr: '2001:db8::1::2/64' } })])).toHaveLength(1);
    expect(apiServerProblems([policy({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} })])).toHaveLength(1);
    const quota = (cpu: string) => ({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q' }, spec: { hard: { 'requests.cpu': cpu } } });
    expect(apiServerProblems([quota('4500m')])).toEqual([]);
    expect(apiServerProblems([quota('4.611686018427388e+21m')])).toHaveLength(1);
  });
});
