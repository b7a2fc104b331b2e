/** Management API: /api/v2/actions/triggers — the trigger list and each trigger's bindings (its flow). */
import { ACCEPTED_TRIGGERS, DEFAULT_RUNTIME, RUNTIMES } from "../catalog";
import { validatePayload } from "../payload";
import { BINDINGS_BODY } from "./action-schemas";
import { bindingView } from "./action-shapes";
import type { Req, RouteArea } from "./context";
import { objectBody } from "./http";
import { paginate } from "./pagination";

export const triggersRoutes: RouteArea = (app, { model }) => {
  app.get("/api/v2/actions/triggers", () => ({
    triggers: Object.entries(ACCEPTED_TRIGGERS).map(([id, versions]) => ({
      id,
      version: versions.at(-1),
      status: "CURRENT",
      runtimes: RUNTIMES.filter((r) => r !== "node18-actions"),
      default_runtime: DEFAULT_RUNTIME,
      compatible_triggers: [],
    })),
  }));

  app.get("/api/v2/actions/triggers/:trigger/bindings", (request: Req) => {
    const trigger = request.params.trigger;
    return paginate(
      "bindings",
      model.getBindings(trigger).map((b) => bindingView(model, trigger, b)),
      request.query,
    );
  });

  app.patch("/api/v2/actions/triggers/:trigger/bindings", (request: Req) => {
    const trigger = request.params.trigger;
    model.getBindings(trigger); // an unknown trigger is a 404 before any body problem
    const body = validatePayload<{ bindings: unknown }>(objectBody(request.body), BINDINGS_BODY);
    const bindings = model.replaceBindings(trigger, body.bindings);
    return { bindings: bindings.map((b) => bindingView(model, trigger, b)) };
  });
};
