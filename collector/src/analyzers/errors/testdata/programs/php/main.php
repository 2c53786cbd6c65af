<?php
// Throws from known functions at known call sites; prints each exception as PHP's
// (string) $e renders it with the frames PHP itself reports (getFile/getLine/getTrace,
// getPrevious) and the expected group. `main.php crash` dies with an uncaught exception.

class NotFoundException extends RuntimeException {}
class ConfigException extends RuntimeException {}

function lookupUser($id) { throw new NotFoundException("user $id not found"); }
function handleProfile($id) { lookupUser($id); }
function handleCheckout($id) { lookupUser($id); }
function walk(int $depth) {
    if ($depth === 0) throw new LengthException('depth exhausted at ' . hrtime(true));
    walk($depth - 1);
}
function parsePayload(string $text) { return json_decode($text, false, 512, JSON_THROW_ON_ERROR); }
function loadConfig(string $text) {
    try {
        return parsePayload($text);
    } catch (JsonException $e) {
        throw new ConfigException("bad config $text", 0, $e);
    }
}
function applyAll(array $ids) {
    return array_map(function ($id) { throw new InvalidArgumentException("cannot apply $id"); }, $ids);
}

$cases = [
    ['profile', fn() => handleProfile('3f1c2a9e-8b7d-4c6e-9a1b-2d3e4f5a6b7c')],
    ['profile', fn() => handleProfile(1234567)],
    ['checkout', fn() => handleCheckout(987)],
    ['checkout', fn() => handleCheckout('alice@example.com')],
    ['walk', fn() => walk(3)],
    ['walk', fn() => walk(7)],
    ['parse', fn() => parsePayload('{"a": nope}')],
    ['parse', fn() => parsePayload('[1, 2,')],
    ['config', fn() => loadConfig('{oops')],
    ['config', fn() => loadConfig('[[[')],
    ['closure', fn() => applyAll(['x1'])],
    ['closure', fn() => applyAll(['y22', 'z'])],
];

/** Frames innermost first: getTrace()[i] names the function whose call site is trace[i]'s file:line. */
function framesOf(Throwable $e): array {
    $frames = [];
    $file = $e->getFile();
    $line = $e->getLine();
    foreach ($e->getTrace() as $t) {
        $fn = isset($t['class']) ? $t['class'] . $t['type'] . $t['function'] : $t['function'];
        $frames[] = ['function' => $fn, 'file' => $file, 'line' => $line];
        $file = $t['file'] ?? '';
        $line = $t['line'] ?? null;
    }
    $frames[] = ['function' => '{main}', 'file' => $file, 'line' => $line];
    return $frames;
}

function chainOf(Throwable $e): array {
    $out = [];
    for (; $e !== null; $e = $e->getPrevious()) {
        $out[] = ['type' => get_class($e), 'message' => $e->getMessage(), 'frames' => framesOf($e)];
    }
    return $out;
}

if (($argv[1] ?? '') === 'crash') {
    echo json_encode(['group' => 'profile', 'type' => 'NotFoundException', 'function' => 'lookupUser']), "\n";
    handleProfile(42);
}

$results = [];
foreach ($cases as [$group, $run]) {
    try {
        $run();
    } catch (Throwable $e) {
        $results[] = ['group' => $group, 'type' => get_class($e), 'message' => $e->getMessage(),
            'chain' => chainOf($e), 'trace' => (string) $e];
    }
}
echo json_encode(['runtime' => 'php', 'version' => PHP_VERSION, 'cases' => $results], JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES), "\n";
