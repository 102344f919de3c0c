"""What is drawn on a PDF page, followed as pypdf reads the page, to find the text that a
box or picture drawn after it covers."""

import math
from dataclasses import dataclass

_Box = tuple[float, float, float, float]  # x0, y0, x1, y1 on the page
_IDENTITY = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
_FILLS = {b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*"}
_ENDS = _FILLS | {b"S", b"s", b"n"}


def _multiply(m, n) -> tuple[float, ...]:
    """The PDF matrix m then n, each (a, b, c, d, e, f)."""
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


def _point(m, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _bounds(points) -> _Box:
    points = list(points)
    xs, ys = [x for x, _ in points], [y for _, y in points]
    return min(xs), min(ys), max(xs), max(ys)


def _overlap(a: _Box, b: _Box) -> float:
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return width * height if width > 0 and height > 0 else 0.0


def _area(box: _Box) -> float:
    return (box[2] - box[0]) * (box[3] - box[1])


@dataclass
class _State:
    opaque: bool = True  # fills are drawn without transparency
    clip: _Box | None = None


@dataclass
class _Context:
    """The page, or a form drawn on it: its own resources and its place on the page."""

    resources: object
    matrix: tuple[float, ...] = _IDENTITY


class _Painting:
    """Text drawn on a page, and the opaque boxes and pictures later drawn over it.

    pypdf's text extraction walks the content stream and calls :meth:`before` and
    :meth:`after` for each operator and :meth:`text` for each run of text, with the current
    transformation and text matrices. Text is measured as half an em a character, which is
    near enough to tell text a box covers from text it only touches: a run of text counts as
    hidden when a filled rectangle, or a picture without transparency, drawn after it covers
    at least half of it. Inside a form (a drawing reused on the page) pypdf starts the
    transformation afresh, so the form's place on the page is kept here.
    """

    def __init__(self, page):
        self.contexts = [_Context(page.get("/Resources"))]
        self.state = _State()
        self.saved: list[_State] = []
        self.path: list[list[tuple[float, float]]] = []
        self.clipping = False
        self.texts: list[tuple[_Box, int]] = []
        self.covered = 0

    def text(self, text, cm, tm, _font, font_size) -> None:
        characters = len(text.strip())
        if not characters or not font_size:
            return
        matrix = _multiply(_multiply(tm, cm), self.contexts[-1].matrix)
        size = float(font_size)
        box = _bounds(
            _point(matrix, x, y)
            for x in (0.0, 0.5 * size * characters)
            for y in (-0.2 * size, 0.8 * size)
        )
        if _area(box) > 0:
            self.texts.append((box, characters))

    def before(self, operator, operands, cm, _tm) -> None:
        try:
            self._operate(operator, operands, cm)
        except (TypeError, ValueError, KeyError, AttributeError):
            # An operator with operands that make no sense draws nothing, as in a reader.
            self.path, self.clipping = [], False

    def _operate(self, operator, operands, cm) -> None:
        matrix = _multiply(cm, self.contexts[-1].matrix)
        if operator == b"q":
            self.saved.append(_State(self.state.opaque, self.state.clip))
        elif operator == b"Q":
            self.state = self.saved.pop() if self.saved else _State()
        elif operator == b"gs" and operands:
            self._graphics_state(operands[0])
        elif operator == b"re" and len(operands) == 4:
            x, y, width, height = (float(value) for value in operands)
            corners = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
            self.path.append([_point(matrix, *corner) for corner in corners])
        elif operator == b"m" and len(operands) == 2:
            self.path.append([_point(matrix, float(operands[0]), float(operands[1]))])
        elif operator in (b"l", b"c", b"v", b"y") and self.path and len(operands) % 2 == 0:
            values = [float(value) for value in operands]
            self.path[-1] += [_point(matrix, *values[i : i + 2]) for i in range(0, len(values), 2)]
        elif operator in (b"W", b"W*"):
            self.clipping = True
        elif operator in _ENDS:
            self._paint(operator in _FILLS)
        elif operator == b"Do" and operands:
            self._draw_object(operands[0], cm)
        elif operator == b"INLINE IMAGE":
            self._cover(_bounds(_point(matrix, x, y) for x in (0, 1) for y in (0, 1)))

    def after(self, operator, _operands, _cm, _tm) -> None:
        if operator == b"Do" and len(self.contexts) > 1:
            self.contexts.pop()

    def _resource(self, category: str, name):
        resources = self.contexts[-1].resources
        resources = resources.get_object() if resources is not None else None
        group = resources.get(category) if resources is not None else None
        group = group.get_object() if group is not None else None
        found = group.get(name) if group is not None else None
        return found.get_object() if found is not None else None

    def _graphics_state(self, name) -> None:
        state = self._resource("/ExtGState", name)
        if state is None:
            return
        if "/ca" in state:
            self.state.opaque = float(state["/ca"]) >= 1
        if str(state.get("/SMask", "/None")) != "/None":
            self.state.opaque = False

    def _paint(self, filled: bool) -> None:
        points = [point for subpath in self.path for point in subpath]
        if self.clipping and points:
            clip = _bounds(points)
            if self.state.clip is not None:
                clip = _intersection(clip, self.state.clip)
            self.state.clip = clip
        if filled and self.state.opaque:
            for subpath in self.path:
                if _is_rectangle(subpath):
                    self._cover(_bounds(subpath))
        self.path, self.clipping = [], False

    def _draw_object(self, name, cm) -> None:
        drawn = self._resource("/XObject", name)
        matrix = _multiply(cm, self.contexts[-1].matrix)
        # Every Do is matched by after(), which leaves the object's context.
        context = _Context(self.contexts[-1].resources, self.contexts[-1].matrix)
        if drawn is not None and drawn.get("/Subtype") == "/Form":
            form_matrix = (
                tuple(float(v) for v in drawn["/Matrix"]) if "/Matrix" in drawn else _IDENTITY
            )
            context = _Context(
                drawn.get("/Resources", self.contexts[-1].resources),
                _multiply(form_matrix, matrix) if len(form_matrix) == 6 else matrix,
            )
        elif (
            drawn is not None
            and drawn.get("/Subtype") == "/Image"
            and "/SMask" not in drawn
            # A stencil mask paints the fill colour through its shape, as text does.
            and getattr(drawn.get("/ImageMask"), "value", False) is not True
        ):
            self._cover(_bounds(_point(matrix, x, y) for x in (0, 1) for y in (0, 1)))
        self.contexts.append(context)

    def _cover(self, box: _Box) -> None:
        if not self.state.opaque:
            return
        if self.state.clip is not None:
            box = _intersection(box, self.state.clip)
        if _area(box) <= 0:
            return
        still_seen = []
        for text_box, characters in self.texts:
            if _overlap(text_box, box) >= 0.5 * _area(text_box):
                self.covered += characters
            else:
                still_seen.append((text_box, characters))
        self.texts = still_seen


def _intersection(a: _Box, b: _Box) -> _Box:
    box = (max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3]))
    return box if box[0] < box[2] and box[1] < box[3] else (0.0, 0.0, 0.0, 0.0)


def _is_rectangle(points: list[tuple[float, float]]) -> bool:
    """A subpath whose every point is a corner of its bounds: a box, however it was drawn."""
    if len(points) < 4:
        return False
    x0, y0, x1, y1 = _bounds(points)
    corners = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
    return all(
        any(
            math.isclose(x, cx, abs_tol=0.5) and math.isclose(y, cy, abs_tol=0.5)
            for cx, cy in corners
        )
        for x, y in points
    )
