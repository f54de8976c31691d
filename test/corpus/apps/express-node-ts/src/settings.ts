interface Settings {
  port: number;
  pageSize: number;
}

export const settings = {
  port: Number(process.env.PORT ?? 3000),
  pageSize: 25,
} satisfies Settings;
