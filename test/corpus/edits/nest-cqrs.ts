import type { CorpusApp } from '../lib/types';

const placedNote = 'this.log.note(`order ${event.orderId} placed`);';
const placeReturn = '    return { id: order.id, status: order.status };';

/**
 * A NestJS app on @nestjs/cqrs: the controller sends commands and queries through buses; their
 * handlers, the event handlers and a saga are classes the CQRS module's explorer finds once,
 * when the app starts, and binds to the buses (the saga's stream is subscribed to then). The
 * orders are aggregates (AggregateRoot) held in a repository's map, so their methods run on
 * objects made before an edit; the customers, instances of a plain class, in a service's map.
 * Compiled by tsc and run by tsx.
 */
export const nestCqrs: CorpusApp = {
  dir: 'nest-cqrs',
  entries: [
    { name: 'nest-cqrs-tsc', kind: 'tsc', main: ['dist/main.js'] },
    { name: 'nest-cqrs-tsx', kind: 'tsx', main: ['src/main.ts'] },
  ],
  health: '/health',
  state: {
    before: [{ method: 'POST', path: '/orders', body: { customer: 'kept-{n}', total: 5 } }],
    probes: [{ path: '/orders', includes: [' for kept-{n}: '] }],
  },
  edits: [
    {
      name: "a query handler's execute body",
      file: 'src/orders/queries/list-orders.handler.ts',
      replace: [
        ['orders.map((order) => order.summary());', 'orders.map((order) => `${order.summary()} [${order.total}]`);'],
      ],
      live: [{ path: '/orders', includes: [' for kept-{n}: ', ' [5]"'] }],
    },
    {
      name: "a command handler's execute body",
      file: 'src/orders/commands/place-order.handler.ts',
      replace: [[placeReturn, '    return { id: order.id, status: order.status, customer: order.customer };']],
      live: [
        {
          method: 'POST',
          path: '/orders',
          body: { customer: 'probe-{n}', total: 1 },
          status: 201,
          includes: ['"customer":"probe-{n}"'],
        },
      ],
    },
    {
      name: "an @EventsHandler's handle body",
      file: 'src/orders/events/order-placed.handler.ts',
      replace: [[placedNote, 'this.log.note(`order ${event.orderId} placed by ${event.customer} (${event.total})`);']],
      live: [
        { method: 'POST', path: '/orders', body: { customer: 'probe-{n}', total: 2 }, status: 201 },
        { path: '/orders/activity', includes: ['placed by probe-{n} (2)'] },
      ],
    },
    {
      name: 'aggregate: a method the orders held call (made before the edit)',
      file: 'src/orders/order.model.ts',
      replace: [
        [
          'return `${this.id} for ${this.customer}: ${this.status}`;',
          'return `${this.id} for ${this.customer}: ${this.status} (${this.total} due)`;',
        ],
      ],
      live: [{ path: '/orders', includes: [' for kept-{n}: ', ' (5 due) [5]"'] }],
    },
    {
      name: 'saga: large orders go by freight (a stream the event bus subscribed to at startup)',
      file: 'src/orders/orders.sagas.ts',
      replace: [
        [
          'map((event) => new ShipOrderCommand(event.orderId)),',
          "map((event) => new ShipOrderCommand(event.orderId, event.total >= 1000 ? 'freight' : 'post')),",
        ],
      ],
      live: [
        { method: 'POST', path: '/orders', body: { customer: 'big-{n}', total: 5000 }, status: 201 },
        { path: '/orders/activity', includes: ['shipped by freight'], eventually: 5000 },
      ],
    },
    {
      name: 'controller: a new route reading a query',
      file: 'src/orders/orders.controller.ts',
      replace: [
        [
          "  @Get(':id')",
          "  @Get('stats')\n  async stats() {\n    const placed = await this.queryBus.execute(new ListOrdersQuery('placed'));\n    const shipped = await this.queryBus.execute(new ListOrdersQuery('shipped'));\n    return { placed: placed.length, shipped: shipped.length };\n  }\n\n  @Get(':id')",
        ],
      ],
      live: [{ path: '/orders/stats', includes: ['"shipped":'] }],
    },
    {
      name: 'syntax error (command handler)',
      file: 'src/orders/commands/place-order.handler.ts',
      syntaxError: true,
      replace: [['    order.commit();\n', '    order.commit(;\n']],
      unchanged: ['/orders/o1'],
    },
    {
      name: 'syntax error fixed, a clearer message for an order with no customer',
      file: 'src/orders/commands/place-order.handler.ts',
      replace: [
        ['    order.commit(;\n', '    order.commit();\n'],
        ["'an order needs a customer'", "'an order needs a customer: send { customer, total }'"],
      ],
      live: [
        { method: 'POST', path: '/orders', body: { total: 3 }, status: 400, includes: ['send { customer, total }'] },
      ],
    },
    {
      name: "a class the service's map holds gains a field, shown by its method (a migration)",
      file: 'src/orders/customer.ts',
      replace: [
        ['  orders = 0;\n', '  orders = 0;\n  spent = 0;\n'],
        [
          'return `${this.name}: ${this.orders} orders`;',
          'return `${this.name}: ${this.orders} orders, ${this.spent} spent`;',
        ],
      ],
      migration: true,
      live: [{ path: '/orders/customers', includes: ['"kept-{n}: 1 orders, 0 spent"'] }],
    },
    {
      name: 'aggregate: a new field with an initializer, on the orders held (a migration)',
      file: 'src/orders/order.model.ts',
      replace: [
        ["  status: OrderStatus = 'placed';\n", "  status: OrderStatus = 'placed';\n  notes: string[] = [];\n"],
        ['(${this.total} due)`;', '(${this.total} due, ${this.notes.length} notes)`;'],
      ],
      migration: true,
      live: [{ path: '/orders', includes: [' for kept-{n}: ', ' (5 due, 0 notes) [5]"'] }],
    },
  ],
};
