// Buildings and network branches drawn straight by WebGL in MapLibre custom layers: one
// draw call for 100,000 points or lines, nothing to tile, colours changed in place. A
// GeoJSON source of that size keeps MapLibre's tiler busy for many seconds.
"use strict";

const TILE_PX = 512; // MapLibre's world is 512 × 2^zoom pixels wide

/** Web Mercator x, y in [0, 1] of a longitude and latitude (degrees). */
function mercator(lon, lat) {
  const sin = Math.sin((lat * Math.PI) / 180);
  return [(lon + 180) / 360, 0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)];
}

/** Positions in Mercator units, as float64 (to pick) and float32 relative to the first
 * one (to draw: float32 alone would round them to a few metres). */
function positions(lons, lats) {
  const abs = new Float64Array(lons.length * 2);
  for (let i = 0; i < lons.length; i++) {
    const [x, y] = mercator(lons[i], lats[i]);
    abs[2 * i] = x;
    abs[2 * i + 1] = y;
  }
  const origin = [abs[0] || 0, abs[1] || 0];
  const rel = new Float32Array(abs.length);
  for (let i = 0; i < abs.length; i += 2) {
    rel[i] = abs[i] - origin[0];
    rel[i + 1] = abs[i + 1] - origin[1];
  }
  return {abs, rel, origin};
}

function program(gl, vertexSource, fragmentSource) {
  const shader = (type, source) => {
    const s = gl.createShader(type);
    gl.shaderSource(s, source);
    gl.compileShader(s);
    if (!gl.getShaderParameter(s, gl.COMPILE_STATUS)) throw new Error(gl.getShaderInfoLog(s));
    return s;
  };
  const p = gl.createProgram();
  gl.attachShader(p, shader(gl.VERTEX_SHADER, vertexSource));
  gl.attachShader(p, shader(gl.FRAGMENT_SHADER, fragmentSource));
  gl.linkProgram(p);
  if (!gl.getProgramParameter(p, gl.LINK_STATUS)) throw new Error(gl.getProgramInfoLog(p));
  return p;
}

/** The map's matrix moved to ``origin`` (in float64, then float32 for the GPU). */
function matrixAt(main, origin) {
  const m = Array.from(main);
  for (let r = 0; r < 4; r++) m[12 + r] = m[r] * origin[0] + m[4 + r] * origin[1] + m[12 + r];
  return new Float32Array(m);
}

/** One draw call of ``count`` vertices: the program with the map's matrix moved to
 * ``origin``, float uniforms ({name: [values]}) and attributes ([name, buffer, size,
 * type, normalized] each). */
function draw(gl, prog, args, origin, uniforms, attributes, mode, count) {
  gl.useProgram(prog);
  gl.uniformMatrix4fv(gl.getUniformLocation(prog, "u_matrix"), false, matrixAt(args.defaultProjectionData.mainMatrix, origin));
  for (const [name, values] of Object.entries(uniforms)) gl[`uniform${values.length}f`](gl.getUniformLocation(prog, name), ...values);
  const used = attributes.map(([name, buffer, size, type, normalized]) => {
    const at = gl.getAttribLocation(prog, name);
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.enableVertexAttribArray(at);
    gl.vertexAttribPointer(at, size, type, normalized, 0, 0);
    return at;
  });
  gl.drawArrays(mode, 0, count);
  for (const at of used) gl.disableVertexAttribArray(at);
}

function upload(gl, buffer, data) {
  gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
  gl.bufferData(gl.ARRAY_BUFFER, data, gl.DYNAMIC_DRAW);
}

const POINT_VS = `
uniform mat4 u_matrix;
uniform float u_t;
uniform float u_ratio;
attribute vec2 a_pos;
attribute vec4 a_fill;
attribute vec4 a_stroke;
attribute vec3 a_size;
varying vec4 v_fill;
varying vec4 v_stroke;
varying float v_inner;
void main() {
  float r = mix(a_size.x, a_size.y, u_t);
  float outer = r + a_size.z;
  gl_Position = u_matrix * vec4(a_pos, 0.0, 1.0);
  gl_PointSize = 2.0 * outer * u_ratio;
  v_fill = a_fill;
  v_stroke = a_stroke;
  v_inner = r / outer;
}`;

const POINT_FS = `
precision mediump float;
varying vec4 v_fill;
varying vec4 v_stroke;
varying float v_inner;
void main() {
  float d = length(gl_PointCoord * 2.0 - 1.0);
  if (d > 1.0) discard;
  vec4 c = d > v_inner ? v_stroke : v_fill;
  gl_FragColor = vec4(c.rgb * c.a, c.a);
}`;

/**
 * Points (circles with a ring) at ``lons``, ``lats``: ``layer.style(fill, stroke, size)``
 * sets their colours (RGBA bytes per point) and sizes (per point: radius in px at zoom
 * ``zooms[0]`` and below, at ``zooms[1]`` and above, linear between; ring width in px).
 */
wg.pointLayer = function (id, lons, lats, zooms) {
  const where = positions(lons, lats);
  const n = lons.length;
  let gl = null, prog = null, buffers = null, map = null;
  let styled = null;
  const layer = {
    id, type: "custom", renderingMode: "2d",
    size: new Float32Array(n * 3),
    onAdd(m, context) {
      map = m;
      gl = context;
      prog = program(gl, POINT_VS, POINT_FS);
      buffers = {pos: gl.createBuffer(), fill: gl.createBuffer(), stroke: gl.createBuffer(), size: gl.createBuffer()};
      upload(gl, buffers.pos, where.rel);
      if (styled) layer.style(...styled);
    },
    style(fill, stroke, size) {
      styled = [fill, stroke, size];
      layer.size = size;
      if (!gl) return;
      upload(gl, buffers.fill, fill);
      upload(gl, buffers.stroke, stroke);
      upload(gl, buffers.size, size);
      map.triggerRepaint();
    },
    zoomShare() {
      return Math.min(1, Math.max(0, (map.getZoom() - zooms[0]) / (zooms[1] - zooms[0])));
    },
    render(context, args) {
      if (!styled || !n) return;
      draw(gl, prog, args, where.origin, {u_t: [layer.zoomShare()], u_ratio: [window.devicePixelRatio || 1]}, [
        ["a_pos", buffers.pos, 2, gl.FLOAT, false],
        ["a_fill", buffers.fill, 4, gl.UNSIGNED_BYTE, true],
        ["a_stroke", buffers.stroke, 4, gl.UNSIGNED_BYTE, true],
        ["a_size", buffers.size, 3, gl.FLOAT, false],
      ], gl.POINTS, n);
    },
    /** The topmost point under a screen point (pixels), or -1. */
    pick(screen) {
      const at = map.unproject(screen);
      const [x, y] = mercator(at.lng, at.lat);
      const px = 1 / (TILE_PX * 2 ** map.getZoom());
      const t = layer.zoomShare();
      let best = -1;
      for (let i = 0; i < n; i++) {
        const r = (layer.size[3 * i] * (1 - t) + layer.size[3 * i + 1] * t + layer.size[3 * i + 2] + 1) * px;
        const dx = where.abs[2 * i] - x, dy = where.abs[2 * i + 1] - y;
        if (dx * dx + dy * dy <= r * r) best = i; // later points are drawn on top
      }
      return best;
    },
  };
  return layer;
};

const LINE_VS = `
uniform mat4 u_matrix;
uniform vec2 u_half;
uniform float u_ratio;
attribute vec2 a_a;
attribute vec2 a_b;
attribute vec2 a_corner;
attribute vec4 a_colour;
attribute float a_width;
varying vec4 v_colour;
void main() {
  vec4 pa = u_matrix * vec4(a_a, 0.0, 1.0);
  vec4 pb = u_matrix * vec4(a_b, 0.0, 1.0);
  vec2 along = pb.xy / pb.w * u_half - pa.xy / pa.w * u_half;
  vec2 dir = length(along) > 0.0 ? normalize(along) : vec2(1.0, 0.0);
  vec2 offset = vec2(-dir.y, dir.x) * a_corner.y * 0.5 * a_width * u_ratio;
  vec4 p = a_corner.x < 0.5 ? pa : pb;
  gl_Position = p + vec4(offset / u_half * p.w, 0.0, 0.0);
  v_colour = a_colour;
}`;

const LINE_FS = `
precision mediump float;
varying vec4 v_colour;
void main() {
  gl_FragColor = vec4(v_colour.rgb * v_colour.a, v_colour.a);
}`;

const CORNERS = [[0, -1], [1, -1], [1, 1], [0, -1], [1, 1], [0, 1]]; // two triangles a segment

/**
 * Straight segments from (``lon0``, ``lat0``) to (``lon1``, ``lat1``):
 * ``layer.style(colour, width)`` sets per segment an RGBA colour (bytes; alpha 0 hides
 * it) and a width in px.
 */
wg.lineLayer = function (id, lon0, lat0, lon1, lat1) {
  const n = lon0.length;
  const a = positions([...lon0, ...lon1], [...lat0, ...lat1]);
  const vertices = {a: new Float32Array(n * 12), b: new Float32Array(n * 12), corner: new Float32Array(n * 12)};
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 6; k++) {
      const v = 12 * i + 2 * k;
      vertices.a[v] = a.rel[2 * i];
      vertices.a[v + 1] = a.rel[2 * i + 1];
      vertices.b[v] = a.rel[2 * (n + i)];
      vertices.b[v + 1] = a.rel[2 * (n + i) + 1];
      vertices.corner[v] = CORNERS[k][0];
      vertices.corner[v + 1] = CORNERS[k][1];
    }
  }
  let gl = null, prog = null, buffers = null, map = null;
  let styled = null;
  const layer = {
    id, type: "custom", renderingMode: "2d",
    width: new Float32Array(n),
    colour: new Uint8Array(n * 4),
    onAdd(m, context) {
      map = m;
      gl = context;
      prog = program(gl, LINE_VS, LINE_FS);
      buffers = {a: gl.createBuffer(), b: gl.createBuffer(), corner: gl.createBuffer(), colour: gl.createBuffer(), width: gl.createBuffer()};
      upload(gl, buffers.a, vertices.a);
      upload(gl, buffers.b, vertices.b);
      upload(gl, buffers.corner, vertices.corner);
      if (styled) layer.style(...styled);
    },
    style(colour, width) {
      styled = [colour, width];
      layer.colour = colour;
      layer.width = width;
      if (!gl) return;
      const perVertexColour = new Uint8Array(n * 24);
      const perVertexWidth = new Float32Array(n * 6);
      for (let i = 0; i < n; i++) {
        for (let k = 0; k < 6; k++) {
          perVertexColour.set(colour.subarray(4 * i, 4 * i + 4), 24 * i + 4 * k);
          perVertexWidth[6 * i + k] = width[i];
        }
      }
      upload(gl, buffers.colour, perVertexColour);
      upload(gl, buffers.width, perVertexWidth);
      map.triggerRepaint();
    },
    render(context, args) {
      if (!styled || !n) return;
      const half = [gl.drawingBufferWidth / 2, gl.drawingBufferHeight / 2];
      draw(gl, prog, args, a.origin, {u_half: half, u_ratio: [window.devicePixelRatio || 1]}, [
        ["a_a", buffers.a, 2, gl.FLOAT, false],
        ["a_b", buffers.b, 2, gl.FLOAT, false],
        ["a_corner", buffers.corner, 2, gl.FLOAT, false],
        ["a_colour", buffers.colour, 4, gl.UNSIGNED_BYTE, true],
        ["a_width", buffers.width, 1, gl.FLOAT, false],
      ], gl.TRIANGLES, n * 6);
    },
    /** The topmost shown segment under a screen point (pixels), or -1. */
    pick(screen) {
      const at = map.unproject(screen);
      const [x, y] = mercator(at.lng, at.lat);
      const px = 1 / (TILE_PX * 2 ** map.getZoom());
      let best = -1;
      for (let i = 0; i < n; i++) {
        if (!layer.colour[4 * i + 3]) continue;
        const ax = a.abs[2 * i], ay = a.abs[2 * i + 1];
        const dx = a.abs[2 * (n + i)] - ax, dy = a.abs[2 * (n + i) + 1] - ay;
        const length2 = dx * dx + dy * dy;
        const s = length2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * dx + (y - ay) * dy) / length2)) : 0;
        const ex = ax + s * dx - x, ey = ay + s * dy - y;
        const r = (layer.width[i] / 2 + 3) * px;
        if (ex * ex + ey * ey <= r * r) best = i;
      }
      return best;
    },
  };
  return layer;
};

/** RGBA bytes of a "#rrggbb" colour with an opacity (0–1). */
wg.rgba = function (hex, opacity) {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255, Math.round(255 * (opacity === undefined ? 1 : opacity))];
};
