const config = {
  port: Number(process.env.PORT ?? 3000),
  pageSize: 20,
};

export default config;
