/* Reads a card through cancuoc's C ABI and prints the JSON answer.
 *
 *   gcc -I crates/cancuoc-ffi/include examples/c/read_card.c -L target/debug -lcancuoc_ffi -o read_card
 *   LD_LIBRARY_PATH=target/debug ./read_card '{"key":{"id":"001090012345"}}'   # the reader with a card
 *   LD_LIBRARY_PATH=target/debug ./read_card --demo                           # the built-in virtual card
 *   LD_LIBRARY_PATH=target/debug ./read_card --readers
 *
 * Exits with cancuoc's code: 0 read, 1 error, 2 bad request, 3 read but a check failed. */
#include <stdio.h>
#include <string.h>

#include "cancuoc.h"

int main(int argc, char **argv) {
    char *answer = NULL;
    int32_t code;
    fprintf(stderr, "cancuoc %s\n", cancuoc_version());
    if (argc > 1 && strcmp(argv[1], "--readers") == 0) {
        code = cancuoc_readers(&answer);
    } else if (argc > 1 && strcmp(argv[1], "--demo") == 0) {
        code = cancuoc_demo(argc > 2 ? argv[2] : NULL, &answer);
    } else {
        code = cancuoc_read(argc > 1 ? argv[1] : "{\"key\":{\"id\":\"001090012345\"}}", &answer);
    }
    printf("%s\n", answer);
    cancuoc_string_free(answer);
    return code;
}
