/**
 * Per-parser tests on documented formats the corpus cannot produce here: Firefox and
 * Safari (no such browsers on this machine — these texts follow MDN/WebKit documented
 * shapes, they are not captures), CoreCLR .NET (Debian ships only Mono), Ruby 3.4 quotes,
 * the Go OTel SDK inside a module cache, PHP internal frames and Java nesting.
 */
import { parseStackTrace } from '../index';
import type { Frame } from '../index';

const names = (frames: Frame[]): string[] => frames.map((f) => f.function);
const inApp = (frames: Frame[]): string[] => frames.filter((f) => f.inApp).map((f) => f.function);

describe('Node parser', () => {
  const text = [
    'Error: connect ECONNREFUSED 127.0.0.1:5432',
    '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
    '    at async Pool.connect (/srv/app/node_modules/pg-pool/index.js:45:11)',
    '    at async UserRepo.find (/srv/app/dist/repo/user-repo.js:22:18)',
    '    at async Promise.all (index 0)',
    '    at async handler (file:///srv/app/dist/api/handler.mjs:10:3)',
    '    at new Promise (<anonymous>)',
    '    at eval (eval at compile (/srv/app/dist/tpl.js:3:9), <anonymous>:1:1)',
  ].join('\n');

  it('reads async frames, node: internals, ESM URLs and eval origins', () => {
    const stack = parseStackTrace(text, { language: 'nodejs' });
    expect(stack.runtime).toBe('node');
    const [exc] = stack.chain;
    expect(exc).toMatchObject({ type: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:5432' });
    expect(names(exc!.frames)).toEqual([
      'TCPConnectWrap.afterConnect', 'Pool.connect', 'UserRepo.find', 'Promise.all', 'handler', 'new Promise', 'eval',
    ]);
    expect(exc!.frames[0]).toMatchObject({ file: 'node:net', line: 1607, column: 16, inApp: false });
    expect(exc!.frames[4]).toMatchObject({ file: 'file:///srv/app/dist/api/handler.mjs', line: 10, column: 3 });
    expect(exc!.frames[6]).toMatchObject({ file: '/srv/app/dist/tpl.js', line: 3, column: 9 });
    expect(inApp(exc!.frames)).toEqual(['UserRepo.find', 'handler', 'eval']);
  });

  it('splits a Node error code off the type', () => {
    const stack = parseStackTrace('TypeError [ERR_INVALID_ARG_TYPE]: The "path" argument must be of type string\n    at f (/a/b.js:1:2)');
    expect(stack.chain[0]).toMatchObject({ type: 'TypeError', message: 'The "path" argument must be of type string' });
  });
});

describe('Chrome parser', () => {
  it('reads minified bundle frames and native frames', () => {
    const text = [
      "Uncaught TypeError: Cannot read properties of undefined (reading 'id')",
      '    at T (https://cdn.example.com/assets/index-BxK3sd9a.js:1:2144)',
      '    at https://cdn.example.com/assets/index-BxK3sd9a.js:1:3001',
      '    at Array.forEach (<anonymous>)',
      '    at f (https://cdn.example.com/assets/vendor.3f9a1c0d.js:2:100)',
    ].join('\n');
    const stack = parseStackTrace(text);
    expect(stack.runtime).toBe('chrome');
    expect(stack.chain[0]).toMatchObject({ type: 'TypeError', message: "Cannot read properties of undefined (reading 'id')" });
    expect(stack.chain[0]!.frames[1]).toEqual({ function: '', file: 'https://cdn.example.com/assets/index-BxK3sd9a.js', line: 1, column: 3001, inApp: true });
    expect(stack.chain[0]!.frames[2]!.inApp).toBe(false);
  });
});

describe('Firefox parser', () => {
  // Shape from MDN's Error.prototype.stack page plus SpiderMonkey's naming of nested,
  // generator and eval frames. Not captured from a real Firefox.
  const text = [
    'trace@https://example.com/static/app.js:9:17',
    'b/<@https://example.com/static/app.js:16:13',
    'gen*@https://example.com/static/app.js:19:13',
    '@https://example.com/static/app.js line 2 > eval:1:1',
    'run@https://example.com/node_modules/lib/index.js:3:7',
    '',
  ].join('\n');

  it('reads fn@url:line:col frames without a header', () => {
    const stack = parseStackTrace(text, { language: 'webjs' });
    expect(stack.runtime).toBe('firefox');
    expect(stack.chain[0]!.type).toBe('');
    expect(names(stack.chain[0]!.frames)).toEqual(['trace', 'b/<', 'gen*', '', 'run']);
    expect(stack.chain[0]!.frames[0]).toMatchObject({ file: 'https://example.com/static/app.js', line: 9, column: 17, inApp: true });
    expect(stack.chain[0]!.frames[3]).toMatchObject({ file: 'https://example.com/static/app.js', line: 2 });
    expect(stack.chain[0]!.frames[4]!.inApp).toBe(false);
  });

  it('is told from text alone', () => {
    expect(parseStackTrace(text).runtime).toBe('firefox');
  });
});

describe('Safari parser', () => {
  // JavaScriptCore's documented shape; not captured from a real Safari.
  const text = [
    'lookupUser@https://example.com/static/js/main.3f9a1c.js:12:20',
    'handleProfile@https://example.com/static/js/main.3f9a1c.js:15:14',
    'map@[native code]',
    'global code@https://example.com/index.html:30:15',
  ].join('\n');

  it('reads frames, [native code] and global code', () => {
    const stack = parseStackTrace(text, { language: 'webjs' });
    expect(stack.runtime).toBe('safari');
    expect(names(stack.chain[0]!.frames)).toEqual(['lookupUser', 'handleProfile', 'map', 'global code']);
    expect(inApp(stack.chain[0]!.frames)).toEqual(['lookupUser', 'handleProfile', 'global code']);
    expect(parseStackTrace(text).runtime).toBe('safari');
  });
});

describe('Java parser', () => {
  const text = [
    'Exception in thread "main" java.lang.RuntimeException: outer',
    '\tat com.acme.App.run(App.java:10)',
    '\tat com.acme.App$$Lambda$14/0x0000000800c03000.accept(Unknown Source)',
    '\tat java.base/java.util.ArrayList.forEach(ArrayList.java:1511)',
    '\tat com.acme.App.main(App.java:5)',
    '\tSuppressed: java.io.IOException: close failed',
    '\t\tat com.acme.Res.close(Res.java:20)',
    '\t\t... 1 more',
    '\tCaused by: java.lang.IllegalStateException: inner',
    '\t\tat com.acme.Res.flush(Res.java:30)',
    '\t\t... 2 more',
    'Caused by: java.sql.SQLException: db down',
    '\tat com.acme.Db.query(Db.java:40)',
    '\t... 1 more',
  ].join('\n');

  it('keeps causes and suppressed exceptions in print order and restores "... N more"', () => {
    const stack = parseStackTrace(text, { language: 'java' });
    expect(stack.chain.map((e) => [e.type, e.relation])).toEqual([
      ['java.lang.RuntimeException', undefined],
      ['java.io.IOException', 'suppressed'],
      ['java.lang.IllegalStateException', 'cause'],
      ['java.sql.SQLException', 'cause'],
    ]);
    expect(names(stack.chain[1]!.frames)).toEqual(['close', 'main']);
    expect(names(stack.chain[2]!.frames)).toEqual(['flush', 'close', 'main']);
    expect(names(stack.chain[3]!.frames)).toEqual(['query', 'main']);
  });

  it('takes module prefixes off class names and marks the JDK not in-app', () => {
    const frames = parseStackTrace(text).chain[0]!.frames;
    expect(frames[2]).toMatchObject({ module: 'java.util.ArrayList', function: 'forEach', file: 'ArrayList.java', inApp: false });
    expect(frames[1]).toMatchObject({ module: 'com.acme.App$$Lambda$14/0x0000000800c03000', function: 'accept', file: '', inApp: true });
  });
});

describe('Go parser', () => {
  const text = [
    'goroutine 7 [running]:',
    'runtime/debug.Stack()',
    '\t/usr/local/go/src/runtime/debug/stack.go:24 +0x5e',
    'go.opentelemetry.io/otel/sdk/trace.recordStackTrace()',
    '\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go:497 +0x2d',
    'go.opentelemetry.io/otel/sdk/trace.(*recordingSpan).RecordError(0xc000182000, {0x9a3e80, 0xc000010018}, {0x0, 0x0, 0x0})',
    '\t/root/go/pkg/mod/go.opentelemetry.io/otel/sdk@v1.24.0/trace/span.go:482 +0x3c5',
    'github.com/acme/shop/orders.(*Service).Place(0xc000120000, {0x9a3e80, 0xc000010018})',
    '\t/build/shop/orders/service.go:42 +0x1f5',
    'github.com/acme/shop/api.Handler.func1({0x9a5c10, 0xc00019e000}, 0xc0001a4000)',
    '\t/build/shop/api/handler.go:17 +0x8b',
    'net/http.HandlerFunc.ServeHTTP(0x0?, {0x9a5c10?, 0xc00019e000?}, 0x0?)',
    '\t/usr/local/go/src/net/http/server.go:2136 +0x29',
    'created by net/http.(*Server).Serve in goroutine 1',
    '\t/usr/local/go/src/net/http/server.go:3086 +0x5cb',
  ].join('\n');

  it('reads the stack the Go OTel SDK records, packages split from functions', () => {
    const stack = parseStackTrace(text, { language: 'go' });
    const frames = stack.chain[0]!.frames;
    expect(frames.map((f) => `${f.module}|${f.function}`)).toEqual([
      'runtime/debug|Stack',
      'go.opentelemetry.io/otel/sdk/trace|recordStackTrace',
      'go.opentelemetry.io/otel/sdk/trace|(*recordingSpan).RecordError',
      'github.com/acme/shop/orders|(*Service).Place',
      'github.com/acme/shop/api|Handler.func1',
      'net/http|HandlerFunc.ServeHTTP',
    ]);
    expect(frames[3]).toMatchObject({ file: '/build/shop/orders/service.go', line: 42 });
    expect(inApp(frames)).toEqual(['(*Service).Place', 'Handler.func1']);
  });

  it('keeps the first goroutine of a dump', () => {
    const dump = [
      'panic: boom',
      '',
      'goroutine 1 [running]:',
      'main.explode(...)',
      '\t/build/app/main.go:9',
      'main.main()',
      '\t/build/app/main.go:14 +0x29',
      '',
      'goroutine 18 [chan receive]:',
      'main.worker()',
      '\t/build/app/main.go:20 +0x1f',
      'created by main.main in goroutine 1',
      '\t/build/app/main.go:12 +0x25',
    ].join('\n');
    const stack = parseStackTrace(dump);
    expect(stack.chain[0]!.frames.map((f) => [f.function, f.line])).toEqual([['explode', 9], ['main', 14]]);
  });

  it('reads panic messages', () => {
    const stack = parseStackTrace(`panic: runtime error: invalid memory address or nil pointer dereference [recovered]\n[signal SIGSEGV: segmentation violation]\n\n${text}`);
    expect(stack.runtime).toBe('go');
    expect(stack.chain[0]).toMatchObject({ type: 'panic', message: 'runtime error: invalid memory address or nil pointer dereference' });
  });
});

describe('.NET parser', () => {
  // CoreCLR's Exception.ToString() shape (the corpus has Mono's).
  const text = [
    'System.InvalidOperationException: Order 42 failed',
    " ---> System.ArgumentNullException: Value cannot be null. (Parameter 'id')",
    '   at Shop.Orders.OrderService.Validate(String id) in /src/Shop/Orders/OrderService.cs:line 18',
    '   at Shop.Orders.OrderService.Place(Order order) in /src/Shop/Orders/OrderService.cs:line 30',
    '   --- End of inner exception stack trace ---',
    '   at Shop.Orders.OrderService.Place(Order order) in /src/Shop/Orders/OrderService.cs:line 34',
    '   at Shop.Api.OrdersController.<>c__DisplayClass3_0.<Post>b__0() in /src/Shop/Api/OrdersController.cs:line 22',
    '--- End of stack trace from previous location ---',
    '   at Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.TaskOfIActionResultExecutor.Execute(ActionContext context)',
  ].join('\n');

  it('reads the inner exception chain and each one\'s frames', () => {
    const stack = parseStackTrace(text);
    expect(stack.runtime).toBe('dotnet');
    expect(stack.chain.map((e) => [e.type, e.relation])).toEqual([
      ['System.InvalidOperationException', undefined],
      ['System.ArgumentNullException', 'cause'],
    ]);
    expect(names(stack.chain[1]!.frames)).toEqual(['Validate', 'Place']);
    expect(stack.chain[0]!.frames.map((f) => `${f.module}|${f.function}|${f.line}|${f.inApp}`)).toEqual([
      'Shop.Orders.OrderService|Place|34|true',
      'Shop.Api.OrdersController.<>c__DisplayClass3_0|<Post>b__0|22|true',
      'Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor.TaskOfIActionResultExecutor|Execute|undefined|false',
    ]);
  });
});

describe('Ruby parser', () => {
  it("reads Ruby 3.4's 'Klass#method' quoting, gems and internals", () => {
    const text = [
      "/app/models/user.rb:12:in 'User#lookup': user 5 not found (NotFoundError)",
      "\tfrom /app/controllers/users_controller.rb:8:in 'UsersController#show'",
      "\tfrom /usr/local/bundle/gems/actionpack-7.1.3/lib/action_controller/metal/basic_implicit_render.rb:6:in 'ActionController::BasicImplicitRender#send_action'",
      "\tfrom <internal:kernel>:187:in 'Kernel#loop'",
    ].join('\n');
    const stack = parseStackTrace(text, { language: 'ruby' });
    expect(stack.chain[0]).toMatchObject({ type: 'NotFoundError', message: 'user 5 not found' });
    expect(names(stack.chain[0]!.frames)).toEqual(['User#lookup', 'UsersController#show', 'ActionController::BasicImplicitRender#send_action', 'Kernel#loop']);
    expect(inApp(stack.chain[0]!.frames)).toEqual(['User#lookup', 'UsersController#show']);
  });

  it('reads a bare backtrace (caller / backtrace.join)', () => {
    const stack = parseStackTrace("/app/a.rb:3:in `inner'\n/app/a.rb:7:in `<main>'");
    expect(stack.runtime).toBe('ruby');
    expect(stack.chain[0]!.frames.map((f) => [f.function, f.line])).toEqual([['inner', 3], ['<main>', 7]]);
  });
});

describe('PHP parser', () => {
  it('pairs each function with the place inside it, internal and vendor frames not in-app', () => {
    const text = [
      'PHP Fatal error:  Uncaught TypeError: strlen(): Argument #1 ($string) must be of type string, array given in /var/www/app/src/Util.php:14',
      'Stack trace:',
      '#0 /var/www/app/src/Util.php(14): strlen(Array)',
      '#1 [internal function]: App\\Util::measure(Array)',
      '#2 /var/www/app/vendor/laravel/framework/src/Illuminate/Collections/Arr.php(600): array_map(Object(Closure), Array)',
      '#3 /var/www/app/src/Controller.php(30): Illuminate\\Support\\Arr::map(Array, Object(Closure))',
      '#4 {main}',
      '  thrown in /var/www/app/src/Util.php on line 14',
    ].join('\n');
    const stack = parseStackTrace(text);
    expect(stack.runtime).toBe('php');
    expect(stack.chain[0]).toMatchObject({ type: 'TypeError', message: 'strlen(): Argument #1 ($string) must be of type string, array given' });
    expect(stack.chain[0]!.frames.map((f) => [f.module, f.function, f.file.split('/').pop(), f.line, f.inApp])).toEqual([
      [undefined, 'strlen', 'Util.php', 14, true],
      ['App\\Util', 'measure', 'Util.php', 14, true],
      [undefined, 'array_map', '', undefined, false],
      ['Illuminate\\Support\\Arr', 'map', 'Arr.php', 600, false],
      [undefined, '{main}', 'Controller.php', 30, true],
    ]);
  });
});

describe('PHP parser, OTel PHP SDK format', () => {
  // The OTel PHP SDK's StackTraceFormatter writes a Java-like trace: namespaces joined by
  // '.', file base names only, "Caused by:" and "... N more".
  it('reads it through the JVM rules', () => {
    const text = [
      'Shop.Orders.OrderFailed: order 7 failed',
      '\tat Shop.Orders.Service.place(Service.php:40)',
      '\tat {main}(index.php:12)',
      'Caused by: Shop.Db.Timeout: db timeout',
      '\tat Shop.Db.Client.query(Client.php:88)',
      '\tat Shop.Orders.Service.place(Service.php:38)',
      '\t... 1 more',
    ].join('\n');
    const stack = parseStackTrace(text);
    expect(stack.runtime).toBe('php');
    expect(stack.chain.map((e) => [e.type, e.message, e.relation])).toEqual([
      ['Shop.Orders.OrderFailed', 'order 7 failed', undefined],
      ['Shop.Db.Timeout', 'db timeout', 'cause'],
    ]);
    expect(stack.chain[1]!.frames.map((f) => `${f.module ?? ''}|${f.function}|${f.file}:${f.line}`)).toEqual([
      'Shop.Db.Client|query|Client.php:88', 'Shop.Orders.Service|place|Service.php:38', '|{main}|index.php:12',
    ]);
  });
});

describe('Python parser', () => {
  it('reads exception groups and keeps the raised exception first', () => {
    const text = [
      '  + Exception Group Traceback (most recent call last):',
      '  |   File "/app/main.py", line 9, in <module>',
      '  |     raise ExceptionGroup("many", [ValueError("a")])',
      '  | ExceptionGroup: many (1 sub-exception)',
      '  +-+---------------- 1 ----------------',
      '    | ValueError: a',
      '    +------------------------------------',
    ].join('\n');
    const stack = parseStackTrace(text, { language: 'python' });
    expect(stack.chain[0]!.frames).toEqual([{ function: '<module>', file: '/app/main.py', line: 9, inApp: true }]);
  });
});

describe('unknown formats', () => {
  it('keep the raw text and one frameless exception', () => {
    const text = 'something went wrong: code 42\nno frames here';
    const stack = parseStackTrace(text);
    expect(stack).toEqual({ runtime: 'unknown', raw: text, chain: [{ type: '', message: 'something went wrong: code 42', frames: [] }] });
  });
});
