// CPU-scaled versions of the backbone families of FR-NAS's architecture study (phase 1), registered under
// timm's names. Each keeps its family's defining block (residual bottleneck, dense block, inverted residual
// with squeeze-excitation, ghost module, one-shot aggregation, VGG stack, dual-path block) at widths of tens
// of channels; `width` scales them. They end like the DPN: GAP, linear embedding, BatchNorm.
import { tf } from '../backend/index.js';
import type { Backbone, BackboneBuildOptions } from './backbone.js';
import { Dpn, dpnScales } from './dpn.js';
import { activate, BatchNorm, Conv2d, ConvBnAct, globalAveragePool, Linear, maxPool, relu, type Activation, type Layer } from './layers.js';
import { ParameterStore } from './parameters.js';
import { registerBackbone } from './registry.js';

/** Rounds a scaled channel count to a multiple of `divisor` (at least `divisor`), as timm's make_divisible. */
export function scaledChannels(channels: number, width: number, divisor = 4): number {
  return Math.max(divisor, Math.round((channels * width) / divisor) * divisor);
}

/** A backbone made of a list of layers, then GAP, linear embedding and BatchNorm. */
export class LayeredBackbone implements Backbone {
  readonly embedding: Linear;
  readonly embeddingBn: BatchNorm;

  constructor(
    readonly name: string,
    readonly parameters: ParameterStore,
    readonly layers: Layer[],
    featureChannels: number,
    readonly embeddingSize: number,
  ) {
    this.embedding = new Linear(parameters, 'embedding.fc', featureChannels, embeddingSize, false);
    this.embeddingBn = new BatchNorm(parameters, 'embedding.bn', embeddingSize);
  }

  forward(x: tf.Tensor4D, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const features = this.layers.reduce((h, layer) => layer.apply(h, training), x);
      return this.embeddingBn.apply(this.embedding.apply(globalAveragePool(features)), training);
    });
  }

  dispose(): void {
    this.parameters.dispose();
  }
}

class MaxPoolLayer implements Layer {
  constructor(readonly size = 3, readonly stride = 2) {}
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return maxPool(x, this.size, this.stride);
  }
}

class AvgPoolLayer implements Layer {
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.avgPool(x, 2, 2, 'same');
  }
}

/** BN -> activation (a pre-activation or a final norm). */
class BnAct implements Layer {
  readonly bn: BatchNorm;
  constructor(store: ParameterStore, name: string, channels: number, readonly activation: Activation = 'relu') {
    this.bn = new BatchNorm(store, name, channels);
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => activate(this.bn.apply(x, training), this.activation, training));
  }
}

/** Squeeze-and-excitation (Hu et al.): channel weights from GAP -> 1x1 reduce -> act -> 1x1 expand -> gate. */
class SqueezeExcite implements Layer {
  readonly reduce: Conv2d;
  readonly expand: Conv2d;
  constructor(store: ParameterStore, name: string, channels: number, ratio: number, readonly gate: 'sigmoid' | 'hardSigmoid' = 'sigmoid') {
    const hidden = Math.max(4, Math.round(channels * ratio));
    this.reduce = new Conv2d(store, `${name}.reduce`, { inChannels: channels, outChannels: hidden, kernel: 1, bias: true });
    this.expand = new Conv2d(store, `${name}.expand`, { inChannels: hidden, outChannels: channels, kernel: 1, bias: true });
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.tidy(() => {
      const s = tf.mean(x, [1, 2], true) as tf.Tensor4D;
      const e = this.expand.apply(tf.relu(this.reduce.apply(s)));
      const g = this.gate === 'sigmoid' ? tf.sigmoid(e) : tf.div(tf.relu6(tf.add(e, 3)), 6);
      return tf.mul(x, g) as tf.Tensor4D;
    });
  }
}

/** Adds the input to the branch when shapes match (a residual connection). */
class Residual implements Layer {
  constructor(readonly branch: Layer[], readonly shortcut?: Layer, readonly after?: Activation) {}
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      const y = this.branch.reduce((h, layer) => layer.apply(h, training), x);
      const s = this.shortcut ? this.shortcut.apply(x, training) : x;
      const sum = tf.add(y, s) as tf.Tensor4D;
      return this.after ? activate(sum, this.after, training) : sum;
    });
  }
}

// ---- ResNet (He et al. 2016): basic blocks (3x3, 3x3) or bottlenecks (1x1, 3x3, 1x1 x4); projection shortcut on change.
function buildResNet(name: string, blocks: readonly number[], bottleneck: boolean, o: BackboneBuildOptions): Backbone {
  const w = o.width ?? 1;
  const store = new ParameterStore(o.seed);
  const stem = scaledChannels(16, w);
  const layers: Layer[] = [new ConvBnAct(store, 'stem', { inChannels: o.channels, outChannels: stem, kernel: 3 })];
  let inChannels = stem;
  blocks.forEach((count, s) => {
    const mid = scaledChannels((bottleneck ? 8 : 16) * 2 ** s, w);
    const out = bottleneck ? mid * 4 : mid;
    for (let b = 0; b < count; b++) {
      const stride = b === 0 && s > 0 ? 2 : 1;
      const p = `stage${s + 1}.block${b + 1}`;
      const branch: Layer[] = bottleneck
        ? [
            new ConvBnAct(store, `${p}.conv1`, { inChannels, outChannels: mid, kernel: 1 }),
            new ConvBnAct(store, `${p}.conv2`, { inChannels: mid, outChannels: mid, kernel: 3, stride }),
            new ConvBnAct(store, `${p}.conv3`, { inChannels: mid, outChannels: out, kernel: 1, activation: 'identity' }),
          ]
        : [
            new ConvBnAct(store, `${p}.conv1`, { inChannels, outChannels: mid, kernel: 3, stride }),
            new ConvBnAct(store, `${p}.conv2`, { inChannels: mid, outChannels: out, kernel: 3, activation: 'identity' }),
          ];
      const shortcut = stride !== 1 || inChannels !== out ? new ConvBnAct(store, `${p}.down`, { inChannels, outChannels: out, kernel: 1, stride, activation: 'identity' }) : undefined;
      layers.push(new Residual(branch, shortcut, 'relu'));
      inChannels = out;
    }
  });
  return new LayeredBackbone(name, store, layers, inChannels, o.embeddingSize);
}

// ---- VGG (Simonyan & Zisserman 2015): 3x3 conv stacks and max-pools; with BN (vgg19_bn), which from-scratch training needs.
function buildVgg(name: string, convs: readonly number[], o: BackboneBuildOptions): Backbone {
  const w = o.width ?? 1;
  const store = new ParameterStore(o.seed);
  const widths = [16, 32, 64, 128, 128].map((c) => scaledChannels(c, w));
  const layers: Layer[] = [];
  let inChannels = o.channels;
  convs.forEach((count, s) => {
    for (let c = 0; c < count; c++) {
      layers.push(new ConvBnAct(store, `stage${s + 1}.conv${c + 1}`, { inChannels, outChannels: widths[s], kernel: 3 }));
      inChannels = widths[s];
    }
    layers.push(new MaxPoolLayer(2, 2));
  });
  return new LayeredBackbone(name, store, layers, inChannels, o.embeddingSize);
}

// ---- MobileNetV3 (Howard et al. 2019): inverted residuals (expand 1x1, depthwise kxk, SE, project 1x1), hard-swish.
interface InvertedResidualSpec {
  kernel: number;
  expand: number;
  out: number;
  se: boolean;
  activation: Activation;
  stride: number;
}

function invertedResidual(store: ParameterStore, name: string, inChannels: number, spec: InvertedResidualSpec, seGate: 'sigmoid' | 'hardSigmoid'): Layer {
  const branch: Layer[] = [];
  if (spec.expand !== inChannels) branch.push(new ConvBnAct(store, `${name}.expand`, { inChannels, outChannels: spec.expand, kernel: 1, activation: spec.activation }));
  branch.push(new ConvBnAct(store, `${name}.dw`, { inChannels: spec.expand, outChannels: spec.expand, kernel: spec.kernel, stride: spec.stride, groups: spec.expand, activation: spec.activation }));
  if (spec.se) branch.push(new SqueezeExcite(store, `${name}.se`, spec.expand, 0.25, seGate));
  branch.push(new ConvBnAct(store, `${name}.project`, { inChannels: spec.expand, outChannels: spec.out, kernel: 1, activation: 'identity' }));
  return spec.stride === 1 && inChannels === spec.out ? new Residual(branch) : new Chain(branch);
}

function buildMobileNetV3(name: string, o: BackboneBuildOptions): Backbone {
  const w = o.width ?? 1;
  const store = new ParameterStore(o.seed);
  const c = (n: number): number => scaledChannels(n, w);
  const stem = c(8);
  const layers: Layer[] = [new ConvBnAct(store, 'stem', { inChannels: o.channels, outChannels: stem, kernel: 3, activation: 'hardSwish' })];
  // (kernel, expansion, out, SE, activation, stride): mobilenetv3_large's pattern at a quarter of its widths.
  const table: [number, number, number, boolean, Activation, number][] = [
    [3, 8, 8, false, 'relu', 1],
    [3, 32, 12, false, 'relu', 2],
    [5, 48, 16, true, 'relu', 2],
    [3, 64, 24, false, 'hardSwish', 2],
    [3, 96, 32, true, 'hardSwish', 1],
    [5, 128, 40, true, 'hardSwish', 2],
  ];
  let inChannels = stem;
  table.forEach(([kernel, expand, out, se, activation, stride], i) => {
    const spec = { kernel, expand: c(expand), out: c(out), se, activation, stride };
    layers.push(invertedResidual(store, `block${i + 1}`, inChannels, spec, 'hardSigmoid'));
    inChannels = spec.out;
  });
  const head = c(160);
  layers.push(new ConvBnAct(store, 'final', { inChannels, outChannels: head, kernel: 1, activation: 'hardSwish' }));
  return new LayeredBackbone(name, store, layers, head, o.embeddingSize);
}

// ---- GhostNet (Han et al. 2020): ghost modules = a 1x1 conv to half the channels + a cheap depthwise 3x3 of them.
class GhostModule implements Layer {
  readonly primary: ConvBnAct;
  readonly cheap: ConvBnAct;
  constructor(store: ParameterStore, name: string, inChannels: number, outChannels: number, relu: boolean) {
    const half = Math.ceil(outChannels / 2);
    const activation: Activation = relu ? 'relu' : 'identity';
    this.primary = new ConvBnAct(store, `${name}.primary`, { inChannels, outChannels: half, kernel: 1, activation });
    this.cheap = new ConvBnAct(store, `${name}.cheap`, { inChannels: half, outChannels: half, kernel: 3, groups: half, activation });
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      const p = this.primary.apply(x, training);
      return tf.concat([p, this.cheap.apply(p, training)], 3);
    });
  }
}

function buildGhostNet(name: string, o: BackboneBuildOptions): Backbone {
  const w = o.width ?? 1;
  const store = new ParameterStore(o.seed);
  const c = (n: number): number => scaledChannels(n, w);
  const stem = c(8);
  const layers: Layer[] = [new ConvBnAct(store, 'stem', { inChannels: o.channels, outChannels: stem, kernel: 3 })];
  // (kernel, hidden, out, SE, stride): ghostnet_100's pattern, narrowed.
  const table: [number, number, number, boolean, number][] = [
    [3, 8, 8, false, 1],
    [3, 24, 12, false, 2],
    [5, 36, 20, true, 2],
    [3, 60, 40, false, 2],
    [3, 120, 56, true, 1],
    [5, 168, 80, true, 2],
  ];
  let inChannels = stem;
  table.forEach(([kernel, hiddenBase, outBase, se, stride], i) => {
    const hidden = c(hiddenBase);
    const out = c(outBase);
    const p = `block${i + 1}`;
    const branch: Layer[] = [new GhostModule(store, `${p}.ghost1`, inChannels, hidden, true)];
    if (stride > 1) branch.push(new ConvBnAct(store, `${p}.dw`, { inChannels: hidden, outChannels: hidden, kernel, stride, groups: hidden, activation: 'identity' }));
    if (se) branch.push(new SqueezeExcite(store, `${p}.se`, hidden, 0.25, 'hardSigmoid'));
    branch.push(new GhostModule(store, `${p}.ghost2`, hidden, out, false));
    const shortcut =
      stride === 1 && inChannels === out
        ? undefined
        : new Chain([
            new ConvBnAct(store, `${p}.short.dw`, { inChannels, outChannels: inChannels, kernel, stride, groups: inChannels, activation: 'identity' }),
            new ConvBnAct(store, `${p}.short.pw`, { inChannels, outChannels: out, kernel: 1, activation: 'identity' }),
          ]);
    layers.push(new Residual(branch, shortcut));
    inChannels = out;
  });
  const head = c(160);
  layers.push(new ConvBnAct(store, 'final', { inChannels, outChannels: head, kernel: 1 }));
  return new LayeredBackbone(name, store, layers, head, o.embeddingSize);
}

/** Layers one after another (a block without shortcut, or a shortcut made of several layers). */
class Chain implements Layer {
  constructor(readonly layers: Layer[]) {}
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.apply(h, training), x));
  }
}

// ---- DenseNet (Huang et al. 2017): dense layers BN-ReLU-1x1(4k)-BN-ReLU-3x3(k) concatenated; transitions halve.
class DenseLayer implements Layer {
  readonly bn1: BatchNorm;
  readonly conv1: Conv2d;
  readonly bn2: BatchNorm;
  readonly conv2: Conv2d;
  constructor(store: ParameterStore, name: string, inChannels: number, growth: number) {
    this.bn1 = new BatchNorm(store, `${name}.bn1`, inChannels);
    this.conv1 = new Conv2d(store, `${name}.conv1`, { inChannels, outChannels: 4 * growth, kernel: 1 });
    this.bn2 = new BatchNorm(store, `${name}.bn2`, 4 * growth);
    this.conv2 = new Conv2d(store, `${name}.conv2`, { inChannels: 4 * growth, outChannels: growth, kernel: 3 });
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      const h = this.conv1.apply(relu(this.bn1.apply(x, training), training));
      return tf.concat([x, this.conv2.apply(relu(this.bn2.apply(h, training), training))], 3);
    });
  }
}

function buildDenseNet(name: string, blocks: readonly number[], o: BackboneBuildOptions): Backbone {
  const w = o.width ?? 1;
  const store = new ParameterStore(o.seed);
  const growth = scaledChannels(8, w, 2);
  let channels = 2 * growth;
  const layers: Layer[] = [new ConvBnAct(store, 'stem', { inChannels: o.channels, outChannels: channels, kernel: 3 })];
  blocks.forEach((count, s) => {
    for (let l = 0; l < count; l++) {
      layers.push(new DenseLayer(store, `block${s + 1}.layer${l + 1}`, channels, growth));
      channels += growth;
    }
    if (s < blocks.length - 1) {
      const out = Math.floor(channels / 2);
      layers.push(new BnAct(store, `transition${s + 1}.bn`, channels));
      layers.push(new Conv2d(store, `transition${s + 1}.conv`, { inChannels: channels, outChannels: out, kernel: 1 }));
      layers.push(new AvgPoolLayer());
      channels = out;
    }
  });
  layers.push(new BnAct(store, 'final.bn', channels));
  return new LayeredBackbone(name, store, layers, channels, o.embeddingSize);
}

// ---- ReXNet (Han et al. 2021): inverted residuals whose widths grow linearly block by block, SE, SiLU, ReLU6 after depthwise.
function buildReXNet(name: string, o: BackboneBuildOptions, multiplier: number): Backbone {
  const w = (o.width ?? 1) * multiplier;
  const store = new ParameterStore(o.seed);
  const stem = scaledChannels(8, w);
  const layers: Layer[] = [new ConvBnAct(store, 'stem', { inChannels: o.channels, outChannels: stem, kernel: 3, activation: 'swish' })];
  const strides = [1, 2, 1, 2, 1, 2, 1];
  const first = 8;
  const last = 48;
  let inChannels = stem;
  strides.forEach((stride, i) => {
    const out = scaledChannels(first + ((last - first) * (i + 1)) / strides.length, w);
    const expand = i === 0 ? inChannels : inChannels * 6;
    const p = `block${i + 1}`;
    const branch: Layer[] = [];
    if (expand !== inChannels) branch.push(new ConvBnAct(store, `${p}.expand`, { inChannels, outChannels: expand, kernel: 1, activation: 'swish' }));
    branch.push(new ConvBnAct(store, `${p}.dw`, { inChannels: expand, outChannels: expand, kernel: 3, stride, groups: expand, activation: 'identity' }));
    if (i > 1) branch.push(new SqueezeExcite(store, `${p}.se`, expand, 1 / 12));
    branch.push(new Lambda6());
    branch.push(new ConvBnAct(store, `${p}.project`, { inChannels: expand, outChannels: out, kernel: 1, activation: 'identity' }));
    // ReXNet's partial residual: the input is added to the first inChannels output channels.
    layers.push(stride === 1 ? new PartialResidual(branch, inChannels) : new Chain(branch));
    inChannels = out;
  });
  const head = scaledChannels(128, w);
  layers.push(new ConvBnAct(store, 'final', { inChannels, outChannels: head, kernel: 1, activation: 'swish' }));
  return new LayeredBackbone(name, store, layers, head, o.embeddingSize);
}

class Lambda6 implements Layer {
  apply(x: tf.Tensor4D): tf.Tensor4D {
    return tf.relu6(x);
  }
}

class PartialResidual implements Layer {
  constructor(readonly branch: Layer[], readonly inChannels: number) {}
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      const y = this.branch.reduce((h, layer) => layer.apply(h, training), x);
      const out = y.shape[3];
      const head = tf.add(tf.slice(y, [0, 0, 0, 0], [-1, -1, -1, this.inChannels]), x) as tf.Tensor4D;
      if (out === this.inChannels) return head;
      return tf.concat([head, tf.slice(y, [0, 0, 0, this.inChannels], [-1, -1, -1, out - this.inChannels])], 3);
    });
  }
}

// ---- VoVNet-v2 / ESE-VoVNet (Lee & Park 2020): one-shot aggregation of a 3x3 conv chain, 1x1 concat conv, eSE gate, residual.
class OsaModule implements Layer {
  readonly convs: ConvBnAct[] = [];
  readonly concat: ConvBnAct;
  readonly ese: Conv2d;
  constructor(store: ParameterStore, name: string, readonly inChannels: number, stage: number, layers: number, readonly out: number) {
    let c = inChannels;
    for (let l = 0; l < layers; l++) {
      this.convs.push(new ConvBnAct(store, `${name}.conv${l + 1}`, { inChannels: c, outChannels: stage, kernel: 3 }));
      c = stage;
    }
    this.concat = new ConvBnAct(store, `${name}.concat`, { inChannels: inChannels + layers * stage, outChannels: out, kernel: 1 });
    this.ese = new Conv2d(store, `${name}.ese`, { inChannels: out, outChannels: out, kernel: 1, bias: true });
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    return tf.tidy(() => {
      const outputs: tf.Tensor4D[] = [x];
      let h = x;
      for (const conv of this.convs) {
        h = conv.apply(h, training);
        outputs.push(h);
      }
      const y = this.concat.apply(tf.concat(outputs, 3), training);
      // effective Squeeze-Excitation: one 1x1 conv on the pooled features, hard-sigmoid gate.
      const gate = tf.div(tf.relu6(tf.add(this.ese.apply(tf.mean(y, [1, 2], true) as tf.Tensor4D), 3)), 6);
      const gated = tf.mul(y, gate) as tf.Tensor4D;
      return this.inChannels === this.out ? (tf.add(gated, x) as tf.Tensor4D) : gated;
    });
  }
}

function buildVoVNet(name: string, o: BackboneBuildOptions): Backbone {
  const w = o.width ?? 1;
  const store = new ParameterStore(o.seed);
  const stem = scaledChannels(16, w);
  const layers: Layer[] = [new ConvBnAct(store, 'stem', { inChannels: o.channels, outChannels: stem, kernel: 3 })];
  const stages: [number, number, number][] = [
    [16, 32, 1],
    [20, 48, 1],
    [24, 64, 2],
    [28, 96, 1],
  ];
  let inChannels = stem;
  stages.forEach(([stageBase, outBase, blocks], s) => {
    if (s > 0) layers.push(new MaxPoolLayer(3, 2));
    for (let b = 0; b < blocks; b++) {
      const out = scaledChannels(outBase, w);
      layers.push(new OsaModule(store, `stage${s + 1}.osa${b + 1}`, inChannels, scaledChannels(stageBase, w), 3, out));
      inChannels = out;
    }
  });
  return new LayeredBackbone(name, store, layers, inChannels, o.embeddingSize);
}

// ---- DPN-107 (Chen et al. 2017, timm dpn107): the classic DPN cell (BN-ReLU-conv 1x1, grouped 3x3, 1x1 = ops 1, 0, 1) with several blocks per stage.
function buildDpn107(name: string, o: BackboneBuildOptions): Backbone {
  const base = dpnScales.tiny;
  const w = o.width ?? 1;
  const g = base.groups;
  const c = (n: number): number => Math.max(g, Math.round((n * w) / g) * g);
  return new Dpn({
    cell: [1, 0, 1],
    imageSize: o.imageSize,
    channels: o.channels,
    seed: o.seed,
    scale: {
      ...base,
      stemChannels: c(base.stemChannels),
      kR: c(base.kR),
      bandwidths: [c(16), c(32), c(64), c(128)],
      blocksPerStage: [1, 2, 2, 1],
      embeddingSize: o.embeddingSize,
    },
  });
}

/** The family names registered by this module (timm's names of FR-NAS's phase-1 backbones). */
export const backboneFamilies = [
  'resnet18',
  'resnet50',
  'vgg19',
  'mobilenetv3_large_100',
  'ghostnet_100',
  'densenet121',
  'rexnet_200',
  'ese_vovnet39b',
  'dpn107',
] as const;

registerBackbone('resnet18', (o) => buildResNet('resnet18', [2, 2, 2, 2], false, o));
registerBackbone('resnet50', (o) => buildResNet('resnet50', [1, 2, 2, 1], true, o));
registerBackbone('vgg19', (o) => buildVgg('vgg19', [2, 2, 4, 4, 4], o));
registerBackbone('mobilenetv3_large_100', (o) => buildMobileNetV3('mobilenetv3_large_100', o));
registerBackbone('ghostnet_100', (o) => buildGhostNet('ghostnet_100', o));
registerBackbone('densenet121', (o) => buildDenseNet('densenet121', [2, 4, 4, 2], o));
registerBackbone('rexnet_200', (o) => buildReXNet('rexnet_200', o, 2));
registerBackbone('ese_vovnet39b', (o) => buildVoVNet('ese_vovnet39b', o));
registerBackbone('dpn107', (o) => buildDpn107('dpn107', o));
