import { Module } from '@nestjs/common';
import { PlaceOrderHandler } from './commands/place-order.handler';
import { ShipOrderHandler } from './commands/ship-order.handler';
import { OrderPlacedHandler } from './events/order-placed.handler';
import { OrderShippedHandler } from './events/order-shipped.handler';
import { OrdersController } from './orders.controller';
import { OrdersRepository } from './orders.repository';
import { OrdersSagas } from './orders.sagas';
import { ActivityLog } from './activity-log.service';
import { GetOrderHandler } from './queries/get-order.handler';
import { ListOrdersHandler } from './queries/list-orders.handler';

@Module({
  controllers: [OrdersController],
  providers: [
    OrdersRepository,
    ActivityLog,
    PlaceOrderHandler,
    ShipOrderHandler,
    ListOrdersHandler,
    GetOrderHandler,
    OrderPlacedHandler,
    OrderShippedHandler,
    OrdersSagas,
  ],
})
export class OrdersModule {}
