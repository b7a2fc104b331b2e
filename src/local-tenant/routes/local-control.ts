/** The emulator's own controls (not Auth0's API): health, and faults under the Management API's token. */
import { sendError } from "../errors";
import { FaultError, parseFaultSettings } from "../faults";
import type { Req, RouteArea } from "./context";

export const localControlRoutes: RouteArea = (app, ctx) => {
  const { model } = ctx;
  app.get("/local/health", () => ({ ok: true }));

  app.get("/local/faults", () => ({ pending: ctx.faults.pending(), served: ctx.faults.served, buildMs: model.buildDurationMs }));
  app.put("/local/faults", (request: Req, reply) => {
    try {
      const settings = parseFaultSettings(request.body);
      ctx.faults.clear();
      ctx.faults.add(...(settings.rules ?? []));
      if (settings.buildMs !== undefined) model.buildDurationMs = settings.buildMs;
      return { pending: ctx.faults.pending(), buildMs: model.buildDurationMs };
    } catch (error) {
      if (error instanceof FaultError) return sendError(reply, 400, error.message, "invalid_body");
      throw error;
    }
  });
};
