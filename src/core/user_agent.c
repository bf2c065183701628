#include "core/user_agent.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/limits.h"

/* A word a User-Agent holds, and the name it stands for. */
struct ua_mark {
    const char *token;
    const char *name;
};

/* First match wins. A browser names the one it is built on, or imitates, in
 * its header too (Edge, Opera and Samsung Internet say "Chrome/"; Chrome
 * and every iOS browser say "Safari/"), so each comes before that one;
 * Safari itself is known by "Version/" with "Safari/" and none of these. */
static const struct ua_mark browsers[] = {
    {"Edg/", "Edge"},
    {"EdgA/", "Edge"},
    {"EdgiOS/", "Edge"},
    {"Edge/", "Edge"},
    {"OPR/", "Opera"},
    {"OPiOS/", "Opera"},
    {"SamsungBrowser/", "Samsung Internet"},
    {"Firefox/", "Firefox"},
    {"FxiOS/", "Firefox"},
    {"CriOS/", "Chrome"},
    {"Chrome/", "Chrome"},
};

/* iOS devices and Android say "like Mac OS X" and "Linux", so they come
 * before the systems they name; ChromeOS says "X11" and sometimes "Linux". */
static const struct ua_mark systems[] = {
    {"iPhone", "iPhone"},   {"iPad", "iPad"},       {"Android", "Android"}, {"CrOS", "ChromeOS"},
    {"Windows", "Windows"}, {"Macintosh", "macOS"}, {"Linux", "Linux"},
};

static bool has(const char *ua, size_t len, const char *token)
{
    return memmem(ua, len, token, strlen(token)) != NULL;
}

static const char *first_mark(const char *ua, size_t len, const struct ua_mark *marks, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (has(ua, len, marks[i].token))
            return marks[i].name;
    return NULL;
}

static const char *browser_of(const char *ua, size_t len)
{
    const char *name = first_mark(ua, len, browsers, sizeof browsers / sizeof *browsers);

    if (!name && has(ua, len, "Version/") && has(ua, len, "Safari/"))
        name = "Safari";
    return name;
}

/* A header a browser could have sent: within the cap, no control
 * characters (RFC 9110 §5.5 allows none but the tab in a field value). */
static bool plausible(const char *ua, size_t len)
{
    if (!ua || len == 0 || len > LIMIT_USER_AGENT)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)ua[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

void user_agent_label(const char *ua, size_t len, char out[USER_AGENT_LABEL_SIZE])
{
    const char *browser = NULL, *system = NULL;

    if (plausible(ua, len)) {
        browser = browser_of(ua, len);
        system = first_mark(ua, len, systems, sizeof systems / sizeof *systems);
    }
    /* every name is a constant above, so the label always fits */
    if (browser && system)
        snprintf(out, USER_AGENT_LABEL_SIZE, "%s on %s", browser, system);
    else if (system)
        snprintf(out, USER_AGENT_LABEL_SIZE, "A browser on %s", system);
    else
        snprintf(out, USER_AGENT_LABEL_SIZE, "%s", browser ? browser : USER_AGENT_UNKNOWN);
}
