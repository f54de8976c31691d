import { Module } from '@nestjs/common';
import { PlaceOrderHandler } from './commands/place-order.handler';
import { ShipOrderHandler } from './commands/ship-order.handler';
import { CustomerStatsHandler } from './events/customer-stats.handler';
import { OrderPlacedHandler } from './events/order-placed.handler';
import { OrderShippedHandler } from './events/order-shipped.handler';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersSagas } from './orders.sagas';
import { ActivityLog } from './activity-log.service';
import { CustomersService } from './customers.service';
import { GetOrderHandler } from './queries/get-order.handler';
import { ListOrdersHandler } from './queries/list-orders.handler';

@Module({
  controllers: [OrdersController],
  providers: [
    OrdersRepository,
    ActivityLog,
    CustomersService,
    PlaceOrderHandler,
    ShipOrderHandler,
    ListOrdersHandler,
    GetOrderHandler,
    OrderPlacedHandler,
    OrderShippedHandler,
    CustomerStatsHandler,
    OrdersSagas,
  ],
})
export class OrdersModule {}
