// The program a python session's child process runs (`python3 -c PYTHON_KERNEL_SOURCE`). It is
// kept as text so it ships inside whatever bundle holds the runtime, with no second file, and
// needs only the standard library (matplotlib and IPython are used when present).
//
// Messages are JSON, one per line, over two extra pipes (fd 3 child → parent, fd 4 parent →
// child), so a cell's own use of fd 0/1/2 never mixes with them:
//   parent → child: { type: 'run', id, code, count }  { type: 'input', text }  { type: 'input-cancel' }
//   child → parent: { type: 'ready' }  { type: 'out', stream, text }  { type: 'stdin', prompt, password }
//                   { type: 'display', data, metadata }
//                   { type: 'done', id, ok: true, result } | { type: 'done', id, ok: false, error }
// `sys.stdout`/`sys.stderr` write over the same channel (gathered for up to 20 ms), so they
// keep their order; what subprocesses write to the real fds 1 and 2 arrives on the kernel's
// pipes instead.
//
// Interrupt is SIGINT, which Python turns into KeyboardInterrupt in the running cell; the
// parent kills the kernel if the cell has not ended after a grace. A SIGINT that lands
// between cells is swallowed so it never kills the kernel.
export const PYTHON_KERNEL_SOURCE = String.raw`
import ast, base64, builtins, inspect, io, json, linecache, os, sys, threading, time, traceback, types, warnings

_out = os.fdopen(3, 'w', encoding='utf-8', errors='replace')
_in = os.fdopen(4, 'r', encoding='utf-8')
for _fd in (3, 4):
    os.set_inheritable(_fd, False)

# Output is gathered and sent at most every 20 ms (or per 64 KiB, on flush(), or before any
# other message), so a loop of print() calls does not cost one message per call.
_lock = threading.RLock()
_pending = []
_pending_size = 0

def _write(message):
    _out.write(json.dumps(message, default=str) + '\n')
    _out.flush()

def _flush_output():
    global _pending, _pending_size
    with _lock:
        chunks, _pending, _pending_size = _pending, [], 0
        for stream, parts in chunks:
            _write({'type': 'out', 'stream': stream, 'text': ''.join(parts)})

def _send(message):
    with _lock:
        _flush_output()
        _write(message)

def _flusher():
    while True:
        time.sleep(0.02)
        if _pending:
            try:
                _flush_output()
            except Exception:
                pass

threading.Thread(target=_flusher, name='mrmd-output', daemon=True).start()

class InputCancelledError(Exception):
    pass

class _Output(io.TextIOBase):
    def __init__(self, name, fd):
        self.name = name
        self._fd = fd
    encoding = 'utf-8'
    errors = 'replace'
    def writable(self):
        return True
    def isatty(self):
        return False
    def fileno(self):
        return self._fd
    def write(self, text):
        if not isinstance(text, str):
            raise TypeError('write() argument must be str, not %s' % type(text).__name__)
        global _pending_size
        if text:
            with _lock:
                if _pending and _pending[-1][0] == self.name:
                    _pending[-1][1].append(text)
                else:
                    _pending.append((self.name, [text]))
                _pending_size += len(text)
                if _pending_size >= 65536:
                    _flush_output()
        return len(text)
    def flush(self):
        _flush_output()

def _request_input(prompt, password):
    _send({'type': 'stdin', 'prompt': str(prompt), 'password': bool(password)})
    while True:
        line = _in.readline()
        if not line:
            os._exit(0)
        message = json.loads(line)
        if message.get('type') == 'input':
            return message.get('text', '')
        if message.get('type') == 'input-cancel':
            raise InputCancelledError('Input cancelled by user')

class _Input(io.TextIOBase):
    encoding = 'utf-8'
    def readable(self):
        return True
    def isatty(self):
        return False
    def fileno(self):
        return 0
    def readline(self, size=-1):
        return _request_input('', False) + '\n'
    def read(self, size=-1):
        return _request_input('', False)

def _input(prompt=''):
    return _request_input(prompt, False)

def _getpass(prompt='Password: ', stream=None):
    return _request_input(prompt, True)

_PNG_REPRS = (
    ('text/html', '_repr_html_'),
    ('text/markdown', '_repr_markdown_'),
    ('text/latex', '_repr_latex_'),
    ('image/svg+xml', '_repr_svg_'),
    ('image/png', '_repr_png_'),
    ('image/jpeg', '_repr_jpeg_'),
    ('application/json', '_repr_json_'),
)

def _is_figure(value):
    return type(value).__module__.startswith('matplotlib.figure') and hasattr(value, 'savefig')

def _figure_png(figure):
    buffer = io.BytesIO()
    figure.savefig(buffer, format='png', bbox_inches='tight')
    return base64.b64encode(buffer.getvalue()).decode('ascii')

def _bundle(value):
    data = {'text/plain': repr(value)}
    metadata = {}
    if isinstance(value, type):
        return data, metadata
    for mime, method in _PNG_REPRS:
        render = getattr(value, method, None)
        if not callable(render):
            continue
        try:
            rendered = render()
        except Exception:
            continue
        if isinstance(rendered, tuple):
            rendered, metadata[mime] = rendered[0], rendered[1]
        if rendered is None:
            continue
        if isinstance(rendered, bytes):
            rendered = base64.b64encode(rendered).decode('ascii')
        data[mime] = rendered
    if _is_figure(value):
        data['image/png'] = _figure_png(value)
    return data, metadata

def display(*values, mime_type=None):
    """Shows values as rich output: display(obj), or display(text_or_bytes, mime_type='text/html')."""
    for value in values:
        if mime_type is not None:
            if isinstance(value, bytes):
                value = base64.b64encode(value).decode('ascii')
            _send({'type': 'display', 'data': {mime_type: value}, 'metadata': {}})
            continue
        data, metadata = _bundle(value)
        if _is_figure(value):
            _shown.add(id(value))
        _send({'type': 'display', 'data': data, 'metadata': metadata})

_shown = set()

def _flush_figures():
    pyplot = sys.modules.get('matplotlib.pyplot')
    if pyplot is None:
        return
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        if id(figure) not in _shown:
            _send({'type': 'display', 'data': {'image/png': _figure_png(figure), 'text/plain': repr(figure)}, 'metadata': {}})
    _shown.clear()
    pyplot.close('all')

def _show(*args, **kwargs):
    _flush_figures()

def _patch_pyplot():
    pyplot = sys.modules.get('matplotlib.pyplot')
    if pyplot is not None and pyplot.show is not _show:
        pyplot.show = _show

warnings.filterwarnings('ignore', message='.*non-interactive.*cannot be shown')
os.environ.setdefault('MPLBACKEND', 'Agg')

_main = types.ModuleType('__main__')
_main.__dict__['__builtins__'] = builtins
sys.modules['__main__'] = _main
_namespace = _main.__dict__
builtins.display = display
builtins.input = _input
try:
    import getpass as _getpass_module
    _getpass_module.getpass = _getpass
except Exception:
    pass
sys.stdout = _Output('stdout', 1)
sys.stderr = _Output('stderr', 2)
sys.stdin = _Input()
_loop = None
_FLAGS = getattr(ast, 'PyCF_ALLOW_TOP_LEVEL_AWAIT', 0)

def _evaluate(code_object):
    global _loop
    value = eval(code_object, _namespace)
    if code_object.co_flags & inspect.CO_COROUTINE:
        import asyncio
        if _loop is None:
            _loop = asyncio.new_event_loop()
        value = _loop.run_until_complete(value)
    return value

def _error(error):
    trace = error.__traceback__
    # Frames of this driver come first; the cell's own start at its file name.
    while trace is not None and not trace.tb_frame.f_code.co_filename.startswith('<cell-'):
        trace = trace.tb_next
    lines = ''.join(traceback.format_exception(type(error), error, trace)).rstrip('\n').split('\n')
    line = getattr(error, 'lineno', None)
    if line is None and trace is not None:
        last = trace
        while last.tb_next is not None:
            last = last.tb_next
        line = last.tb_lineno
    message = str(error)
    if isinstance(error, SyntaxError):
        message = error.msg or message
    return {'type': type(error).__name__, 'message': message, 'traceback': lines, 'line': line}

def _run(message):
    filename = '<cell-%d>' % message['count']
    code = message['code']
    linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
    _patch_pyplot()
    try:
        tree = ast.parse(code, filename, 'exec')
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr):
            last = ast.Expression(tree.body.pop().value)
        _evaluate(compile(tree, filename, 'exec', flags=_FLAGS))
        result = None
        if last is not None:
            value = _evaluate(compile(last, filename, 'eval', flags=_FLAGS))
            if value is not None:
                _namespace['_'] = value
                data, metadata = _bundle(value)
                if _is_figure(value):
                    _shown.add(id(value))
                if len(data) > 1:
                    _send({'type': 'display', 'data': data, 'metadata': metadata})
                result = data['text/plain']
        _patch_pyplot()
        _flush_figures()
        return {'type': 'done', 'id': message['id'], 'ok': True, 'result': result}
    except BaseException as error:
        try:
            _flush_figures()
        except BaseException:
            pass
        return {'type': 'done', 'id': message['id'], 'ok': False, 'error': _error(error)}

_send({'type': 'ready'})
while True:
    try:
        line = _in.readline()
    except KeyboardInterrupt:
        continue
    if not line:
        break
    try:
        message = json.loads(line)
        if message.get('type') != 'run':
            continue
        try:
            done = _run(message)
        except KeyboardInterrupt:
            done = {'type': 'done', 'id': message['id'], 'ok': False, 'error': {'type': 'KeyboardInterrupt', 'message': 'Execution interrupted', 'traceback': []}}
        while True:
            try:
                _send(done)
                break
            except KeyboardInterrupt:
                continue
    except KeyboardInterrupt:
        continue
`;
