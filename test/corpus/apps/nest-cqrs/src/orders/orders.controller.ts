import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ActivityLog } from './activity-log.service';
import { CustomersService } from './customers.service';
import { PlaceOrderCommand } from './commands/place-order.command';
import { GetOrderQuery } from './queries/get-order.query';
import { ListOrdersQuery } from './queries/list-orders.query';

@Controller('orders')
export class OrdersController {
  constructor(
    @Inject(CommandBus) private readonly commandBus: CommandBus,
    @Inject(QueryBus) private readonly queryBus: QueryBus,
    @Inject(ActivityLog) private readonly log: ActivityLog,
    @Inject(CustomersService) private readonly customers: CustomersService,
  ) {}

  @Post()
  place(@Body() body: { customer: string; total: number }) {
    return this.commandBus.execute(new PlaceOrderCommand(body.customer, Number(body.total ?? 0)));
  }

  @Get()
  async list(@Query('status') status?: string) {
    return { orders: await this.queryBus.execute(new ListOrdersQuery(status)) };
  }

  @Get('activity')
  activity() {
    return { activity: this.log.recent() };
  }

  @Get('customers')
  customerList() {
    return { customers: this.customers.labels() };
  }

  @Get(':id')
  one(@Param('id') id: string) {
    return this.queryBus.execute(new GetOrderQuery(id));
  }
}
