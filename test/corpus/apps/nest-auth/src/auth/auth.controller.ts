import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { tokenOf } from './auth.guard';
import { AuthService } from './auth.service';
import { Public } from './public.decorator';

@Controller('auth')
export class AuthController {
  constructor(@Inject(AuthService) private readonly authService: AuthService) {}

  @Public()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: { username: string; password: string }, @Res({ passthrough: true }) res: Response) {
    const { token, user } = this.authService.signIn(body?.username, body?.password);
    res.setHeader('set-cookie', `session=${token}; HttpOnly; SameSite=Lax; Path=/`);
    return { user };
  }

  @Post('logout')
  @HttpCode(200)
  logout(@Req() req: Request) {
    this.authService.signOut(tokenOf(req));
    return { signedOut: true };
  }

  @Get('profile')
  profile(@Req() req: Request & { user: unknown }) {
    return { user: req.user };
  }
}
