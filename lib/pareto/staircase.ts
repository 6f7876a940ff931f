/**
 * The 2-D staircase used by the 3-D hypervolume sweep: mutually non-dominated (x, y) points kept in an
 * AVL tree keyed by x (so y decreases as x increases), with O(log n) floor / higher / insert / delete.
 */
interface StairNode {
  x: number;
  y: number;
  /** Caller's data carried with the point (the 3-D sort keeps the first objective here). */
  tag: number;
  left: StairNode | null;
  right: StairNode | null;
  height: number;
}

const heightOf = (node: StairNode | null): number => (node === null ? 0 : node.height);

function update(node: StairNode): void {
  node.height = 1 + Math.max(heightOf(node.left), heightOf(node.right));
}

function rotateRight(node: StairNode): StairNode {
  const pivot = node.left as StairNode;
  node.left = pivot.right;
  pivot.right = node;
  update(node);
  update(pivot);
  return pivot;
}

function rotateLeft(node: StairNode): StairNode {
  const pivot = node.right as StairNode;
  node.right = pivot.left;
  pivot.left = node;
  update(node);
  update(pivot);
  return pivot;
}

function rebalance(node: StairNode): StairNode {
  update(node);
  const balance = heightOf(node.left) - heightOf(node.right);
  if (balance > 1) {
    const left = node.left as StairNode;
    if (heightOf(left.left) < heightOf(left.right)) node.left = rotateLeft(left);
    return rotateRight(node);
  }
  if (balance < -1) {
    const right = node.right as StairNode;
    if (heightOf(right.right) < heightOf(right.left)) node.right = rotateRight(right);
    return rotateLeft(node);
  }
  return node;
}

function insertNode(node: StairNode | null, x: number, y: number, tag: number): StairNode {
  if (node === null) return { x, y, tag, left: null, right: null, height: 1 };
  if (x < node.x) node.left = insertNode(node.left, x, y, tag);
  else node.right = insertNode(node.right, x, y, tag);
  return rebalance(node);
}

function removeMin(node: StairNode): StairNode | null {
  if (node.left === null) return node.right;
  node.left = removeMin(node.left);
  return rebalance(node);
}

function removeNode(node: StairNode | null, x: number): StairNode | null {
  if (node === null) return null;
  if (x < node.x) node.left = removeNode(node.left, x);
  else if (x > node.x) node.right = removeNode(node.right, x);
  else {
    if (node.left === null) return node.right;
    if (node.right === null) return node.left;
    let successor = node.right;
    while (successor.left !== null) successor = successor.left;
    successor.right = removeMin(node.right);
    successor.left = node.left;
    return rebalance(successor);
  }
  return rebalance(node);
}

export class Staircase {
  private root: StairNode | null = null;

  /** Point with the largest x <= `x`, or null. */
  floor(x: number): StairNode | null {
    let node = this.root;
    let best: StairNode | null = null;
    while (node !== null) {
      if (node.x <= x) {
        best = node;
        node = node.right;
      } else node = node.left;
    }
    return best;
  }

  /** Point with the smallest x > `x`, or null. */
  higher(x: number): StairNode | null {
    let node = this.root;
    let best: StairNode | null = null;
    while (node !== null) {
      if (node.x > x) {
        best = node;
        node = node.left;
      } else node = node.right;
    }
    return best;
  }

  insert(x: number, y: number, tag = 0): void {
    this.root = insertNode(this.root, x, y, tag);
  }

  remove(x: number): void {
    this.root = removeNode(this.root, x);
  }
}
