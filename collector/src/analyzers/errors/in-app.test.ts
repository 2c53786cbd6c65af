import { isInApp } from './index';
import type { Runtime } from './index';

describe('isInApp', () => {
  it.each<[Runtime, string, string | undefined, boolean]>([
    ['node', '/srv/app/node_modules/express/lib/router.js', undefined, false],
    ['node', 'node:internal/process/task_queues', undefined, false],
    ['node', '<anonymous>', undefined, false],
    ['node', '/srv/app/dist/orders.js', undefined, true],
    ['chrome', 'chrome-extension://abcdef/content.js', undefined, false],
    ['python', '/usr/lib/python3/dist-packages/requests/api.py', undefined, false],
    ['python', '/venv/lib/python3.12/site-packages/flask/app.py', undefined, false],
    ['python', '/usr/lib/python3.11/json/decoder.py', undefined, false],
    ['python', '<frozen importlib._bootstrap>', undefined, false],
    ['python', '/app/shop/orders.py', undefined, true],
    ['ruby', '/usr/local/bundle/gems/rack-2.2.3/lib/rack.rb', undefined, false],
    ['ruby', '/usr/lib/ruby/3.1.0/json/common.rb', undefined, false],
    ['ruby', '/app/app/models/order.rb', undefined, true],
    ['php', '/var/www/app/vendor/laravel/framework/src/Router.php', undefined, false],
    ['php', '', undefined, false],
    ['php', '/var/www/app/src/Orders.php', undefined, true],
    ['java', 'ArrayList.java', 'java.util.ArrayList', false],
    ['java', 'Method.java', 'jdk.internal.reflect.Method', false],
    ['java', '', 'sun.reflect.NativeMethodAccessorImpl', false],
    ['java', 'Orders.java', 'com.acme.Orders', true],
    ['go', '/usr/lib/go-1.19/src/net/http/server.go', 'net/http', false],
    ['go', '/usr/local/go/src/runtime/panic.go', 'runtime', false],
    ['go', '/root/go/pkg/mod/github.com/lib/pq@v1.10.9/conn.go', 'github.com/lib/pq', false],
    ['go', '/build/shop/vendor/github.com/x/y/z.go', 'github.com/x/y', false],
    ['go', '/build/shop/orders/orders.go', 'github.com/acme/shop/orders', true],
    ['dotnet', '', 'System.Number', false],
    ['dotnet', '', 'Microsoft.AspNetCore.Routing.EndpointMiddleware', false],
    ['dotnet', '/src/Shop/Orders.cs', 'Shop.Orders', true],
  ])('%s %s %s → %s', (runtime, file, module, expected) => {
    expect(isInApp({ function: 'f', file, ...(module !== undefined ? { module } : {}) }, runtime)).toBe(expected);
  });
});
