/**
 * GLSL ES 3.00 helpers for the extraction kernels, generated from the shared FSM (src/core/extract/fsm.ts).
 *
 * Why native GLSL rather than gpu.js's JavaScript subset for these helpers: the subset has no integer bit operations
 * (it emulates `&` and `>>` with 32-iteration loops) and no local arrays longer than 4, and both are what a packed
 * transition function and a 14-code-unit class window need. The kernels themselves stay gpu.js kernels; gpu.js
 * manages the textures, the pipeline and the readback.
 *
 * A transition function over STATE_COUNT (<= 16) states is packed into one vec4: component k holds the images of
 * states 4k..4k+3, 4 bits each (16 bits per float32 component: exact).
 */
import {
  CLASS_COUNT, C_DQUOTE, C_END_SCRIPT, C_EQ, C_GT, C_GT_COMMENT, C_GT_SLASH, C_LT_BOGUS, C_LT_COMMENT, C_LT_SCRIPT,
  C_LT_TAG, C_OTHER, C_SQUOTE, C_WS, START_STATE, STATE_COUNT, TRANSITIONS, WINDOW_AHEAD, WINDOW_BEHIND,
} from '../extract/fsm.js';

/** Extra classes beyond the FSM's: class CLASS_COUNT + s is the constant function "-> s". A page boundary is
 *  "-> START_STATE" (so page resets fall out of the scan), a left halo is "-> carried state". */
export const CONST_CLASS_BASE = CLASS_COUNT;
export const EXT_CLASS_COUNT = CLASS_COUNT + STATE_COUNT;

/** Code units are uploaded as one byte each. 0 marks "outside any page" (between pages, before and after the
 *  batch); every code unit that classAt treats as OTHER whatever its neighbours (non-ASCII and NUL, fsm.ts: "non-ASCII
 *  is always OTHER") is uploaded as OTHER_CODE, so 0 never occurs inside a page. */
export const OTHER_CODE = 0x80;
export function uploadCode(c: number): number {
  return c === 0 || c > 0x7f ? OTHER_CODE : c;
}

if (STATE_COUNT > 16) throw new Error('the GPU kernels pack 4-bit states: STATE_COUNT must be <= 16');

/**
 * TRANSITIONS extended with the constant classes, packed: TLO[c] holds the next states of states 0..7 under class
 * c (4 bits each), THI[c] those of states 8..15. One step of the machine is then two table loads per code unit and
 * register arithmetic per state, instead of one table load per state (measured on SwiftShader: the block-function
 * kernel took 2.2x longer with a plain int table).
 */
function transitionTableGlsl(): string {
  const lo: number[] = [];
  const hi: number[] = [];
  for (let c = 0; c < EXT_CLASS_COUNT; c++) {
    let l = 0;
    let h = 0;
    for (let s = 0; s < STATE_COUNT; s++) {
      const next = c < CLASS_COUNT ? TRANSITIONS[c * STATE_COUNT + s] : c - CLASS_COUNT;
      if (s < 8) l |= next << (4 * s);
      else h |= next << (4 * (s - 8));
    }
    lo.push(l | 0);
    hi.push(h | 0);
  }
  return `const int TLO[${EXT_CLASS_COUNT}] = int[${EXT_CLASS_COUNT}](${lo.join(',')});
const int THI[${EXT_CLASS_COUNT}] = int[${EXT_CLASS_COUNT}](${hi.join(',')});
int next(int lo, int hi, int s) { return ((s < 8 ? lo : hi) >> ((s & 7) << 2)) & 15; }`;
}

export const IDENTITY_FN: readonly [number, number, number, number] = (() => {
  const v = [0, 0, 0, 0];
  for (let s = 0; s < STATE_COUNT; s++) v[s >> 2] += s << ((s & 3) * 4);
  return v as [number, number, number, number];
})();

/** gpu.js reads a native function's argument and return types from the first signature in its source, so each
 *  source opens with a prototype of the function the kernel calls; the helpers follow. */
function native(signature: string, body: string): string {
  return `${signature};\n${body}\n${signature} {`;
}

const COMMON = `
const int START = ${START_STATE};
${transitionTableGlsl()}
int fnAt(vec4 f, int s) { return (int(f[s >> 2]) >> ((s & 3) << 2)) & 15; }
`;

/**
 * The GLSL port of fsm.ts classAt(), over code units held in scalars c0, c1, ... (constant offsets, no arrays: on
 * SwiftShader an indexed local array costs a memory round trip per access; with arrays and one comparison per name
 * character this kernel took 3.6x longer). A 0 code unit is "end of input": it matches no letter and no punctuation, and counts
 * as a delimiter after a name, so a window never needs clipping at a page boundary. Must mirror classAt line for
 * line; the conformance tests compare the two on the whole corpus.
 */
const NAMES: ReadonlyArray<readonly [string, number]> = [
  ['script', 0], ['style', 1], ['title', 2], ['textarea', 3],
  ['noscript', 4], ['iframe', 4], ['noembed', 4], ['noframes', 4],
  ['template', 5], ['svg', 6],
];
const NAME_SPAN = Math.max(...NAMES.map(([n]) => n.length)) + 1; // the name and the delimiter after it

function specialNameGlsl(): string {
  // The lower-cased name (| 0x20, as classAt does) packed 3 code units an int, compared a word at a time: a '<' is
  // common enough that most SIMD lanes run this, so it must be cheap.
  const args = Array.from({ length: NAME_SPAN }, (_, j) => `int a${j}`).join(', ');
  const words = Math.ceil((NAME_SPAN - 1) / 3);
  const pack = Array.from({ length: words }, (_, w) =>
    `  int w${w} = ${[0, 1, 2].filter((j) => 3 * w + j < NAME_SPAN - 1).map((j) => `((a${3 * w + j} | 32) << ${8 * j})`).join(' | ')};`,
  ).join('\n');
  const tests = NAMES.map(([name, k]) => {
    const parts: string[] = [];
    for (let w = 0; 3 * w < name.length; w++) {
      const chunk = name.slice(3 * w, 3 * w + 3);
      let value = 0;
      for (let j = 0; j < chunk.length; j++) value |= chunk.charCodeAt(j) << (8 * j);
      const mask = (1 << (8 * chunk.length)) - 1;
      parts.push(chunk.length === 3 ? `w${w} == ${value}` : `(w${w} & ${mask}) == ${value}`);
    }
    return `  if (${parts.join(' && ')} && isDelim(a${name.length})) return ${k};`;
  });
  return `
bool isWs(int c) { return c == 32 || c == 10 || c == 9 || c == 13 || c == 12; }
bool isLetter(int c) { return (c >= 97 && c <= 122) || (c >= 65 && c <= 90); }
bool isDelim(int c) { return c == 0 || isWs(c) || c == 47 || c == 62; }
int specialName(${args}) {
${pack}
${tests.join('\n')}
  return -1;
}
int simpleClass(int c) {
  if (c == 61) return ${C_EQ};
  if (c == 34) return ${C_DQUOTE};
  if (c == 39) return ${C_SQUOTE};
  if (isWs(c)) return ${C_WS};
  return ${C_OTHER};
}`;
}

/** GLSL that sets `cls` to the class of the code unit held in c{k}; c{k + d} is its neighbour at distance d. */
function classOfGlsl(k: number): string {
  const at = (d: number) => `c${k + d}`;
  return `
    if (${at(0)} == 60) {
      int c1 = ${at(1)};
      int c2 = ${at(2)};
      bool end = c1 == 47;
      if (c1 == 0) cls = ${C_OTHER};
      else if (c1 == 33) cls = c2 == 45 && ${at(3)} == 45 ? ${C_LT_COMMENT} : ${C_LT_BOGUS};
      else if (c1 == 63) cls = ${C_LT_BOGUS};
      else if (end && c2 == 0) cls = ${C_OTHER};
      else if (!isLetter(end ? c2 : c1)) cls = end ? ${C_LT_BOGUS} : ${C_OTHER};
      else {
        int k = specialName(${Array.from({ length: NAME_SPAN }, (_, j) => `end ? ${at(2 + j)} : ${at(1 + j)}`).join(', ')});
        cls = k < 0 ? ${C_LT_TAG} : (end ? ${C_END_SCRIPT} : ${C_LT_SCRIPT}) + k;
      }
    } else if (${at(0)} == 62) {
      int p1 = ${at(-1)};
      if (p1 == 47) cls = ${C_GT_SLASH};
      else if (p1 == 45 && ${at(-2)} == 45) cls = ${C_GT_COMMENT};
      else if (p1 == 33 && ${at(-2)} == 45 && ${at(-3)} == 45) cls = ${C_GT_COMMENT};
      else cls = ${C_GT};
    } else cls = simpleClass(${at(0)});`;
}

/** Texels (4 code units each) a thread reads around its own: enough for WINDOW_BEHIND / WINDOW_AHEAD. */
export const TEXELS_BEHIND = Math.ceil(WINDOW_BEHIND / 4);
export const TEXELS_AHEAD = Math.floor((WINDOW_AHEAD + 3) / 4);
const TEXELS = TEXELS_BEHIND + 1 + TEXELS_AHEAD;
if (NAME_SPAN + 1 > WINDOW_AHEAD) throw new Error('a special name and its delimiter must fit the window');

/**
 * classify4(x0..x{TEXELS-1}, t, texelCount, base, carry): the extended classes of code units 4t..4t+3.
 * x_k is the RGBA8 texel t - TEXELS_BEHIND + k (normalised to 0..1). Positions below `base` form the left halo of
 * a page continued from the previous batch: their class is the constant "-> carry", so the state before `base`
 * is the carried one. A 0 code unit is outside any page: its class resets to START.
 */
export function classifyGlsl(): string {
  const args = Array.from({ length: TEXELS }, (_, k) => `vec4 x${k}`).join(', ');
  const loads = Array.from({ length: TEXELS }, (_, k) => {
    const v = `v${k}`;
    const q = `t - ${TEXELS_BEHIND - k}`;
    return `  ivec4 ${v} = (${q} < 0 || ${q} >= texelCount) ? ivec4(0) : ivec4(round(x${k} * 255.0));\n` +
      ['x', 'y', 'z', 'w'].map((comp, j) => `  int c${4 * k + j} = ${v}.${comp};`).join('\n');
  }).join('\n');
  const perChar = [0, 1, 2, 3].map((i) => {
    const k = 4 * TEXELS_BEHIND + i;
    return `  if (4 * t + ${i} < base) cls = ${CONST_CLASS_BASE} + int(carryF);
  else if (c${k} == 0) cls = ${CONST_CLASS_BASE} + START;
  else {${classOfGlsl(k)}
  }
  outv[${i}] = float(cls);`;
  }).join('\n');
  return `${native(`vec4 classify4(${args}, int t, float texelCountF, float baseF, float carryF)`, COMMON + specialNameGlsl())}
  int texelCount = int(texelCountF);
  int base = int(baseF);
${loads}
  vec4 outv = vec4(0.0);
  int cls;
${perChar}
  return outv;
}`;
}

const CLASS_SCALARS = `
  int k0 = int(a.x), k1 = int(a.y), k2 = int(a.z), k3 = int(a.w), k4 = int(b.x), k5 = int(b.y), k6 = int(b.z),
      k7 = int(b.w), k8 = int(c.x), k9 = int(c.y), k10 = int(c.z), k11 = int(c.w), k12 = int(d.x), k13 = int(d.y),
      k14 = int(d.z), k15 = int(d.w);`;

/** blockFn(a, b, c, d): the packed composition of the transitions of 16 consecutive code units (classes a.x .. d.w);
 *  the 16 states walk side by side in scalars (unrolled: no indexed locals, see classOfGlsl). */
export function blockFnGlsl(): string {
  const states = Array.from({ length: STATE_COUNT }, (_, s) => s);
  const init = states.map((s) => `int s${s} = ${s};`).join(' ');
  const steps = Array.from({ length: 16 }, (_, k) =>
    `  { int lo = TLO[k${k}], hi = THI[k${k}]; ${states.map((s) => `s${s} = next(lo, hi, s${s});`).join(' ')} }`,
  ).join('\n');
  const pack = [0, 1, 2, 3].map((j) =>
    states.filter((s) => s >> 2 === j).map((s) => `float(s${s} << ${(s & 3) * 4})`).join(' + ') || '0.0',
  );
  return `${native('vec4 blockFn(vec4 a, vec4 b, vec4 c, vec4 d)', COMMON)}${CLASS_SCALARS}
  ${init}
${steps}
  return vec4(${pack.join(', ')});
}`;
}

/** composeFn(f, g): g after f (f is the earlier stretch of text). */
export function composeGlsl(): string {
  return `${native('vec4 composeFn(vec4 f, vec4 g)', COMMON)}
  vec4 h = vec4(0.0);
  for (int s = 0; s < ${STATE_COUNT}; s++) h[s >> 2] += float(fnAt(g, fnAt(f, s)) << ((s & 3) << 2));
  return h;
}`;
}

/** applyFn(f, s): f(s). */
export function applyGlsl(): string {
  return `${native('float applyFn(vec4 f, float s)', COMMON)} return float(fnAt(f, int(s))); }`;
}

/** walkBlock(a, b, c, d, s0): the state after each of the block's 16 code units from state s0, 4 per component. */
export function walkGlsl(): string {
  const steps = Array.from({ length: 16 }, (_, k) =>
    `  s = next(TLO[k${k}], THI[k${k}], s); o${k >> 2} += s << ${(k & 3) * 4};`,
  ).join('\n');
  return `${native('vec4 walkBlock(vec4 a, vec4 b, vec4 c, vec4 d, float s0)', COMMON)}${CLASS_SCALARS}
  int s = int(s0);
  int o0 = 0, o1 = 0, o2 = 0, o3 = 0;
${steps}
  return vec4(o0, o1, o2, o3);
}`;
}
