/**
 * Key order of rendered JSON. cdk8s writes every object with its keys sorted, and YAML keeps the
 * insertion order, so what the library adds to a manifest must end up sorted too or the output
 * would depend on who added what first. Objects are never reordered in place (`delete` turns a V8
 * object into a slow dictionary, which every later read and the YAML serializer pay for): an object
 * whose keys are out of order is replaced by a sorted copy, and its parent is given the copy.
 */

/**
 * The value with every object's keys in sorted order and keys holding `undefined` left out (as
 * cdk8s leaves them out). Objects already in order are kept and only their children are visited.
 */
export function sortedJson(value: any): any {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v !== null && typeof v === 'object') value[i] = sortedJson(v);
    }
    return value;
  }
  if (value === null || typeof value !== 'object') return value;
  const obj = inKeyOrder(value);
  for (const k in obj) {
    const v = obj[k];
    if (v !== null && typeof v === 'object') {
      const s = sortedJson(v);
      if (s !== v) obj[k] = s;
    }
  }
  return obj;
}

/**
 * `sortedJson` applied to the object at `path` inside `root` (e.g. a manifest's pod template),
 * with the objects on the way put in key order but not visited further: what lies beside the path
 * was written by cdk8s (or by a JSON patch) and stays as it was.
 */
export function sortedAt(root: any, path: readonly string[]): any {
  if (path.length === 0) return sortedJson(root);
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return root;
  const obj = inKeyOrder(root);
  const [key, ...rest] = path;
  if (obj[key] !== undefined) obj[key] = sortedAt(obj[key], rest);
  return obj;
}

/** The object itself when its keys are sorted and none holds `undefined`; otherwise a shallow copy that is. */
function inKeyOrder(obj: { [key: string]: any }): { [key: string]: any } {
  // for..in walks a plain object's own keys in insertion order without allocating a key list.
  let previous = '';
  let tidy = true;
  for (const k in obj) {
    if (obj[k] === undefined || k < previous) {
      tidy = false;
      break;
    }
    previous = k;
  }
  if (tidy) return obj;
  const out: { [key: string]: any } = {};
  for (const k of Object.keys(obj).sort()) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}

/** A deep copy of a JSON value (objects, arrays, scalars), with its keys in the same order. */
export function copyJson(value: any): any {
  if (Array.isArray(value)) return value.map(copyJson);
  if (value === null || typeof value !== 'object') return value;
  const out: { [key: string]: any } = {};
  for (const k of Object.keys(value)) {
    if (value[k] !== undefined) out[k] = copyJson(value[k]);
  }
  return out;
}
