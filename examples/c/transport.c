/* Reads a card through cancuoc's C ABI with the program's own transport: cancuoc sends each
 * APDU through the transmit callback below, and the program carries it to the card.
 *
 *   gcc -I crates/cancuoc-ffi/include -I /usr/include/PCSC examples/c/transport.c \
 *       -L target/debug -lcancuoc_ffi -lpcsclite -o transport
 *   LD_LIBRARY_PATH=target/debug ./transport --pcsc 'READER NAME' '{"key":{"can":"012345"}}'
 *   LD_LIBRARY_PATH=target/debug ./transport --virtual 1000   # the built-in virtual card, 1000 reads
 *
 * --pcsc connects with the program's own PC/SC calls (SCardConnect, SCardTransmit), as a
 * program that already holds the card does, and hands the connection over. --virtual reads the
 * virtual card (a library built with the feature demo) N times through a callback, and with
 * each read tries a callback that fails and one that writes garbage: run it under valgrind to
 * see that nothing leaks and nothing is touched out of bounds.
 *
 * Exits with cancuoc's code of the last read: 0 read, 1 error, 2 bad request, 3 a check failed;
 * 4 when the program's own set-up failed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winscard.h>

#include "cancuoc.h"

/* The program's PC/SC connection: what user_data points to. */
struct pcsc_link {
    SCARDHANDLE card;
    DWORD protocol;
};

static int32_t pcsc_transmit(void *user_data, const uint8_t *command, size_t command_len, uint8_t *response,
                             size_t response_capacity, size_t *response_len) {
    struct pcsc_link *link = user_data;
    const SCARD_IO_REQUEST *pci = link->protocol == SCARD_PROTOCOL_T1 ? SCARD_PCI_T1 : SCARD_PCI_T0;
    DWORD length = (DWORD)response_capacity;
    LONG rv = SCardTransmit(link->card, pci, command, (DWORD)command_len, NULL, response, &length);
    if (rv == SCARD_W_REMOVED_CARD || rv == SCARD_E_NO_SMARTCARD || rv == SCARD_W_RESET_CARD) {
        return CANCUOC_LINK_CARD_LOST;
    }
    if (rv == SCARD_E_TIMEOUT) {
        return CANCUOC_LINK_TIMEOUT;
    }
    if (rv != SCARD_S_SUCCESS) {
        return CANCUOC_LINK_ERROR;
    }
    *response_len = length;
    return CANCUOC_LINK_OK;
}

static int32_t pcsc_reset(void *user_data) {
    struct pcsc_link *link = user_data;
    LONG rv = SCardReconnect(link->card, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, SCARD_RESET_CARD,
                             &link->protocol);
    return rv == SCARD_S_SUCCESS ? CANCUOC_LINK_OK : CANCUOC_LINK_CARD_LOST;
}

static int read_over_pcsc(const char *reader, const char *request) {
    SCARDCONTEXT context;
    struct pcsc_link link;
    if (SCardEstablishContext(SCARD_SCOPE_SYSTEM, NULL, NULL, &context) != SCARD_S_SUCCESS) {
        fprintf(stderr, "no PC/SC service\n");
        return 4;
    }
    if (SCardConnect(context, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T0 | SCARD_PROTOCOL_T1, &link.card,
                     &link.protocol) != SCARD_S_SUCCESS) {
        fprintf(stderr, "no card on %s\n", reader);
        SCardReleaseContext(context);
        return 4;
    }
    CancuocTransport transport = {&link, pcsc_transmit, pcsc_reset};
    char *answer = NULL;
    int32_t code = cancuoc_read_transport(request, &transport, &answer);
    printf("%s\n", answer);
    cancuoc_string_free(answer);
    /* Leave no secure session or selected application behind for the next program. */
    SCardDisconnect(link.card, SCARD_RESET_CARD);
    SCardReleaseContext(context);
    return code;
}

/* The virtual card behind the program's own callback, as a binding would wrap it. */
static int32_t virtual_transmit(void *user_data, const uint8_t *command, size_t command_len, uint8_t *response,
                                size_t response_capacity, size_t *response_len) {
    return cancuoc_virtual_card_transmit(user_data, command, command_len, response, response_capacity, response_len);
}

/* A callback that lies: it claims more bytes than the buffer holds. */
static int32_t lying_transmit(void *user_data, const uint8_t *command, size_t command_len, uint8_t *response,
                              size_t response_capacity, size_t *response_len) {
    (void)user_data;
    (void)command;
    (void)command_len;
    memset(response, 0x5A, 2);
    *response_len = response_capacity + 1;
    return CANCUOC_LINK_OK;
}

/* A callback whose card is always gone. */
static int32_t lost_transmit(void *user_data, const uint8_t *command, size_t command_len, uint8_t *response,
                             size_t response_capacity, size_t *response_len) {
    (void)user_data;
    (void)command;
    (void)command_len;
    (void)response;
    (void)response_capacity;
    (void)response_len;
    return CANCUOC_LINK_CARD_LOST;
}

/* Runs one read through `transport`; prints the answer's error code (or "ok") and returns the code. */
static int32_t read_once(const CancuocTransport *transport, const char *request, int print) {
    char *answer = NULL;
    int32_t code = cancuoc_read_transport(request, transport, &answer);
    if (print) {
        printf("%s\n", answer);
    }
    cancuoc_string_free(answer);
    return code;
}

static int read_virtual(long reads) {
    const char *request = "{\"key\":{\"can\":\"012345\"},\"want\":[\"holder\",\"verification\"]}";
    int32_t code = 0;
    for (long i = 0; i < reads; i++) {
        CancuocVirtualCard *card = cancuoc_virtual_card_new();
        if (card == NULL) {
            fprintf(stderr, "this library has no virtual card: build it with the feature demo\n");
            return 4;
        }
        CancuocTransport transport = {card, virtual_transmit, NULL};
        code = read_once(&transport, request, i + 1 == reads);
        cancuoc_virtual_card_free(card);
        if (code != 0) {
            fprintf(stderr, "read %ld: code %d\n", i + 1, code);
            return code;
        }
        CancuocTransport lying = {NULL, lying_transmit, NULL};
        CancuocTransport lost = {NULL, lost_transmit, NULL};
        if (read_once(&lying, request, 0) != 1 || read_once(&lost, request, 0) != 1) {
            fprintf(stderr, "read %ld: a failing callback did not end the read with code 1\n", i + 1);
            return 4;
        }
    }
    fprintf(stderr, "%ld reads through the callback, each with a lying and a lost one\n", reads);
    return code;
}

int main(int argc, char **argv) {
    if (argc > 2 && strcmp(argv[1], "--pcsc") == 0) {
        return read_over_pcsc(argv[2], argc > 3 ? argv[3] : "{\"key\":{\"can\":\"012345\"}}");
    }
    if (argc > 1 && strcmp(argv[1], "--virtual") == 0) {
        return read_virtual(argc > 2 ? atol(argv[2]) : 1);
    }
    fprintf(stderr, "usage: transport --pcsc READER [REQUEST] | --virtual [READS]\n");
    return 2;
}
