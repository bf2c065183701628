/* The assurance levels (acr) and what a session's amr reaches: pure
 * functions, apart from mfa.c's store and keys, so that the request parser
 * (and its fuzz target) can judge acr_values alone. */
#include <string.h>

#include "core/text.h"
#include "oauth/mfa.h"

enum mfa_level mfa_level_of_amr(const char *amr)
{
    if (!amr || !text_has_word(amr, "mfa"))
        return MFA_LEVEL_PWD;
    return text_has_word(amr, "hwk") || text_has_word(amr, "swk") ? MFA_LEVEL_PHR : MFA_LEVEL_MFA;
}

const char *mfa_acr(enum mfa_level level)
{
    switch (level) {
    case MFA_LEVEL_PHR:
        return MFA_ACR_PHR;
    case MFA_LEVEL_MFA:
        return MFA_ACR_MFA;
    default:
        return MFA_ACR_PWD;
    }
}

bool mfa_level_of_acr(const char *acr, enum mfa_level *out)
{
    static const char *const names[] = {MFA_ACR_PWD, MFA_ACR_MFA, MFA_ACR_PHR};
    size_t i;

    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(acr, names[i]) == 0) {
            *out = (enum mfa_level)i;
            return true;
        }
    return false;
}
