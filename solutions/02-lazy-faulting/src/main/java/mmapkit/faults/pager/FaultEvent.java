package mmapkit.faults.pager;

import mmapkit.faults.natives.UserfaultCalls;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One page fault, as a userfaultfd reports it in a {@code struct uffd_msg}.
 *
 * @param address the faulting address (page-aligned: the kernel masks it unless asked for the exact one)
 * @param write   whether the access was a store ({@code UFFD_PAGEFAULT_FLAG_WRITE})
 */
public record FaultEvent(long address, boolean write) {

    /**
     * Decodes one {@code struct uffd_msg} ({@link UserfaultCalls#MESSAGE_LAYOUT}, 32 bytes): byte 0 is
     * the event, 8 bytes at offset 8 the fault's flags, 8 bytes at offset 16 its address.
     *
     * @throws IllegalArgumentException for a message shorter than 32 bytes, or an event other than a
     *                                  page fault (0x12); the message names the event's number
     */
    public static FaultEvent decode(MemorySegment message) {
        // SOLUTION-BEGIN 02.8
        if (message.byteSize() < UserfaultCalls.MESSAGE_LAYOUT.byteSize()) {
            throw new IllegalArgumentException("message of " + message.byteSize() + " bytes is shorter than a "
                    + UserfaultCalls.MESSAGE_LAYOUT.byteSize() + "-byte struct uffd_msg");
        }
        int event = Byte.toUnsignedInt(message.get(ValueLayout.JAVA_BYTE, 0));
        if (event != UserfaultCalls.UFFD_EVENT_PAGEFAULT) {
            throw new IllegalArgumentException("event 0x" + Integer.toHexString(event) + " is not a page fault (0x"
                    + Integer.toHexString(UserfaultCalls.UFFD_EVENT_PAGEFAULT) + "): the region asked for no other events");
        }
        long flags = message.get(ValueLayout.JAVA_LONG_UNALIGNED, 8);
        long address = message.get(ValueLayout.JAVA_LONG_UNALIGNED, 16);
        return new FaultEvent(address, (flags & UserfaultCalls.UFFD_PAGEFAULT_FLAG_WRITE) != 0);
        // SOLUTION-STUB
        // throw new UnsupportedOperationException(
        //         "TODO 02.8: decode a struct uffd_msg of " + message.byteSize() + " bytes (see hint 02.8)");
        // SOLUTION-END
    }
}
