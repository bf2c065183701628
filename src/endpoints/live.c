/* The settings generation each request sees (struct app_live). */
#include <stdlib.h>

#include "endpoints/app.h"
#include "ui/render.h"

void app_around(void *app, void (*run)(void *request_app, void *ctx), void *ctx)
{
    const struct app *a = app;
    struct app snap = *a; /* a few pointers and the cookie names: cheaper than a lock */
    struct app_live *g;

    if (a->gens) {
        /* acquire: the generation's fields, written before the swap, are seen whole */
        g = atomic_load_explicit(&a->gens->current, memory_order_acquire);
        snap.oauth.cfg = &g->cfg;
        snap.ui = g->ui;
    }
    run(&snap, ctx);
}

const struct config *app_cfg_now(const struct app *app)
{
    if (!app->gens)
        return app->oauth.cfg;
    return &atomic_load_explicit(&app->gens->current, memory_order_acquire)->cfg;
}

enum err app_gens_open(struct app *app, const struct config *cfg)
{
    struct app_gens *gens = malloc(sizeof *gens);
    struct app_live *g = malloc(sizeof *g);

    if (!gens || !g) {
        free(gens);
        free(g);
        return ERR_NOMEM;
    }
    g->cfg = *cfg;
    g->ui = app->ui;
    g->replaced = NULL;
    app->ui = NULL;
    atomic_init(&gens->current, g);
    app->gens = gens;
    return ERR_OK;
}

void app_gens_swap(struct app *app, struct app_live *g)
{
    g->replaced = atomic_load_explicit(&app->gens->current, memory_order_relaxed);
    atomic_store_explicit(&app->gens->current, g, memory_order_release);
}

void app_gens_free(struct app_gens *gens)
{
    struct app_live *g, *next;

    if (!gens)
        return;
    for (g = atomic_load(&gens->current); g; g = next) {
        next = g->replaced;
        ui_free(g->ui);
        free(g);
    }
    free(gens);
}
