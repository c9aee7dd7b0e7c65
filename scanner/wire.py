"""Numbers of the wire itself, shared by the capture reader, the dispatcher and frame builders."""

from __future__ import annotations

# Link types (tcpdump.org LINKTYPE_*), as pcap/pcapng files and camscan's own frames carry them.
LT_NULL, LT_ETHERNET, LT_RAW, LT_LOOP, LT_SLL, LT_IPV4, LT_IPV6, LT_SLL2 = (
    0, 1, 101, 108, 113, 228, 229, 276,
)  # fmt: skip
# The link types the dispatcher decodes; frames of any other type are counted and reported.
DECODED_LINKTYPES = frozenset(
    {LT_NULL, LT_ETHERNET, LT_RAW, LT_LOOP, LT_SLL, LT_IPV4, LT_IPV6, LT_SLL2}
)
# EtherTypes (IEEE registry)
ET_IPV4, ET_IPV6, ET_ARP, ET_VLAN, ET_QINQ, ET_QINQ_OLD = (
    0x0800, 0x86DD, 0x0806, 0x8100, 0x88A8, 0x9100,
)  # fmt: skip
VLAN_TYPES = frozenset({ET_VLAN, ET_QINQ, ET_QINQ_OLD})
# IP protocol numbers (IANA)
IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6 = 6, 17, 58
# TCP header flags (RFC 9293)
TCP_FIN, TCP_SYN, TCP_RST, TCP_PSH, TCP_ACK = 0x01, 0x02, 0x04, 0x08, 0x10
