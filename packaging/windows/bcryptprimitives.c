/* For Wine only (scripts/windows): Rust >= 1.78 programs take their randomness from
 * bcryptprimitives.dll!ProcessPrng, which Windows 10+ has and Wine 8.0 lacks. This DLL, put in
 * the test prefix's system32, answers ProcessPrng with BCryptGenRandom. Never shipped. */
#include <windows.h>
#include <bcrypt.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    return BCryptGenRandom(NULL, data, (ULONG)len, BCRYPT_USE_SYSTEM_PREFERRED_RNG) == 0;
}
