import type { CorpusApp } from '../lib/types';
import { expressInline } from './express-inline';
import { expressAppModule } from './express-app-module';
import { expressAwilix } from './express-awilix';
import { expressCache } from './express-cache';
import { expressEsmAsync } from './express-esm-async';
import { expressFileRoutes } from './express-file-routes';
import { expressGraphql } from './express-graphql';
import { expressWsChat } from './express-ws-chat';
import { expressSse } from './express-sse';
import { expressSocketio } from './express-socketio';
import { nestBuilds } from './nest-builds';
import { expressZod } from './express-zod';
import { expressTsPaths } from './express-ts-paths';
import { expressTsyringe } from './express-tsyringe';
import { expressTrpc } from './express-trpc';
import { expressTsNode } from './express-ts-node';
import { expressNodeTs } from './express-node-ts';
import { expressChains } from './express-chains';
import { expressCron } from './express-cron';
import { expressCluster } from './express-cluster';
import { expressAsyncMain } from './express-async-main';
import { expressI18n } from './express-i18n';
import { expressInheritance } from './express-inheritance';
import { expressConfig } from './express-config';
import { expressViews } from './express-views';
import { expressMiddleware } from './express-middleware';
import { fastifyAutoload } from './fastify-autoload';
import { expressClasses } from './express-classes';
import { expressEsm } from './express-esm';
import { expressFactories } from './express-factories';
import { expressJobs } from './express-jobs';
import { expressMvc } from './express-mvc';
import { expressRouter } from './express-router';
import { expressSession } from './express-session';
import { expressPassport } from './express-passport';
import { fastifyEsm } from './fastify-esm';
import { fastifyPlugins } from './fastify-plugins';
import { fastifyTs } from './fastify-ts';
import { hapi } from './hapi';
import { hono } from './hono';
import { koa } from './koa';
import { koaModules } from './koa-modules';
import { nestAuth } from './nest-auth';
import { nestTypeorm } from './nest-typeorm';
import { nestCats } from './nest-cats';
import { nestCqrs } from './nest-cqrs';
import { nestSchedule } from './nest-schedule';
import { nestTsc } from './nest-tsc';
import { nodeHttp } from './node-http';
import { tsApp } from './ts-tsc';
import { tsEsm } from './ts-esm';

export const corpus: CorpusApp[] = [
  expressInline,
  expressRouter,
  expressMvc,
  expressSession,
  expressPassport,
  expressEsm,
  expressJobs,
  expressFactories,
  expressClasses,
  expressAppModule,
  expressAwilix,
  expressEsmAsync,
  expressFileRoutes,
  expressZod,
  expressTsPaths,
  expressTsyringe,
  expressTrpc,
  expressTsNode,
  expressNodeTs,
  expressChains,
  expressSocketio,
  expressCron,
  expressCluster,
  expressAsyncMain,
  expressCache,
  expressI18n,
  expressInheritance,
  expressConfig,
  expressViews,
  nodeHttp,
  expressGraphql,
  expressWsChat,
  expressSse,
  expressMiddleware,
  fastifyAutoload,
  fastifyPlugins,
  fastifyEsm,
  fastifyTs,
  koa,
  koaModules,
  hono,
  hapi,
  tsApp,
  tsEsm,
  nestTsc,
  nestCats,
  nestAuth,
  nestTypeorm,
  nestCqrs,
  nestSchedule,
  nestBuilds,
];
