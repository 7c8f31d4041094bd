// SPDX-License-Identifier: MIT
pragma solidity ^0.8.26;

import {Test} from "forge-std/Test.sol";
import {Bip340, Bip340Precompile} from "./utils/Bip340Precompile.sol";

/// @notice The pure-Solidity BIP-340 verifier against the 19 official BIP-340 test vectors
///         (sol/test/fixtures/bip340-test-vectors.csv, copied verbatim below), both through the
///         library (any message length) and through the 0x200 stand-in (32-byte messages).
contract Bip340Test is Test {
    struct Vector {
        uint256 index;
        bytes32 pk;
        bytes message;
        bytes32 r;
        bytes32 s;
        bool valid;
    }

    address internal constant SCHNORR = address(0x200);

    function setUp() public {
        vm.etch(SCHNORR, type(Bip340Precompile).runtimeCode);
    }

    function vectors() internal pure returns (Vector[] memory v) {
        v = new Vector[](19);

        v[0] = Vector(
            0,
            0xF9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9,
            hex"0000000000000000000000000000000000000000000000000000000000000000",
            0xE907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA8215,
            0x25F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0,
            true
        );
        v[1] = Vector(
            1,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE3341,
            0x8906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A,
            true
        );
        v[2] = Vector(
            2,
            0xDD308AFEC5777E13121FA72B9CC1B7CC0139715309B086C960E18FD969774EB8,
            hex"7E2D58D8B3BCDF1ABADEC7829054F90DDA9805AAB56C77333024B9D0A508B75C",
            0x5831AAEED7B44BB74E5EAB94BA9D4294C49BCF2A60728D8B4C200F50DD313C1B,
            0xAB745879A5AD954A72C45A91C3A51D3C7ADEA98D82F8481E0E1E03674A6F3FB7,
            true
        );
        v[3] = Vector(
            3,
            0x25D1DFF95105F5253C4022F628A996AD3A0D95FBF21D468A1B33F8C160D8F517,
            hex"FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
            0x7EB0509757E246F19449885651611CB965ECC1A187DD51B64FDA1EDC9637D5EC,
            0x97582B9CB13DB3933705B32BA982AF5AF25FD78881EBB32771FC5922EFC66EA3,
            true
        );
        v[4] = Vector(
            4,
            0xD69C3509BB99E412E68B0FE8544E72837DFA30746D8BE2AA65975F29D22DC7B9,
            hex"4DF3C3F68FCC83B27E9D42C90431A72499F17875C81A599B566C9889B9696703",
            0x00000000000000000000003B78CE563F89A0ED9414F5AA28AD0D96D6795F9C63,
            0x76AFB1548AF603B3EB45C9F8207DEE1060CB71C04E80F593060B07D28308D7F4,
            true
        );
        v[5] = Vector(
            5,
            0xEEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769,
            0x69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,
            false
        );
        v[6] = Vector(
            6,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0xFFF97BD5755EEEA420453A14355235D382F6472F8568A18B2F057A1460297556,
            0x3CC27944640AC607CD107AE10923D9EF7A73C643E166BE5EBEAFA34B1AC553E2,
            false
        );
        v[7] = Vector(
            7,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x1FA62E331EDBC21C394792D2AB1100A7B432B013DF3F6FF4F99FCB33E0E1515F,
            0x28890B3EDB6E7189B630448B515CE4F8622A954CFE545735AAEA5134FCCDB2BD,
            false
        );
        v[8] = Vector(
            8,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769,
            0x961764B3AA9B2FFCB6EF947B6887A226E8D7C93E00C5ED0C1834FF0D0C2E6DA6,
            false
        );
        v[9] = Vector(
            9,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x0000000000000000000000000000000000000000000000000000000000000000,
            0x123DDA8328AF9C23A94C1FEECFD123BA4FB73476F0D594DCB65C6425BD186051,
            false
        );
        v[10] = Vector(
            10,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x0000000000000000000000000000000000000000000000000000000000000001,
            0x7615FBAF5AE28864013C099742DEADB4DBA87F11AC6754F93780D5A1837CF197,
            false
        );
        v[11] = Vector(
            11,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x4A298DACAE57395A15D0795DDBFD1DCB564DA82B0F269BC70A74F8220429BA1D,
            0x69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,
            false
        );
        v[12] = Vector(
            12,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F,
            0x69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,
            false
        );
        v[13] = Vector(
            13,
            0xDFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769,
            0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141,
            false
        );
        v[14] = Vector(
            14,
            0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30,
            hex"243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
            0x6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769,
            0x69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B,
            false
        );
        v[15] = Vector(
            15,
            0x778CAA53B4393AC467774D09497A87224BF9FAB6F6E68B23086497324D6FD117,
            hex"",
            0x71535DB165ECD9FBBC046E5FFAEA61186BB6AD436732FCCC25291A55895464CF,
            0x6069CE26BF03466228F19A3A62DB8A649F2D560FAC652827D1AF0574E427AB63,
            true
        );
        v[16] = Vector(
            16,
            0x778CAA53B4393AC467774D09497A87224BF9FAB6F6E68B23086497324D6FD117,
            hex"11",
            0x08A20A0AFEF64124649232E0693C583AB1B9934AE63B4C3511F3AE1134C6A303,
            0xEA3173BFEA6683BD101FA5AA5DBC1996FE7CACFC5A577D33EC14564CEC2BACBF,
            true
        );
        v[17] = Vector(
            17,
            0x778CAA53B4393AC467774D09497A87224BF9FAB6F6E68B23086497324D6FD117,
            hex"0102030405060708090A0B0C0D0E0F1011",
            0x5130F39A4059B43BC7CAC09A19ECE52B5D8699D1A71E3C52DA9AFDB6B50AC370,
            0xC4A482B77BF960F8681540E25B6771ECE1E5A37FD80E5A51897C5566A97EA5A5,
            true
        );
        v[18] = Vector(
            18,
            0x778CAA53B4393AC467774D09497A87224BF9FAB6F6E68B23086497324D6FD117,
            hex"99999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999999",
            0x403B12B0D8555A344175EA7EC746566303321E5DBFA8BE6F091635163ECA79A8,
            0x585ED3E3170807E7C03B720FC54C7B23897FCBA0E9D0B4A06894CFD249F22367,
            true
        );
    }

    function callPrecompile(bytes memory input) internal view returns (bytes memory) {
        (bool ok, bytes memory out) = SCHNORR.staticcall(input);
        assertTrue(ok, "the stand-in never reverts");
        return out;
    }

    function test_library_allVectors() public view {
        Vector[] memory v = vectors();
        for (uint256 i = 0; i < v.length; i++) {
            assertEq(
                Bip340.verify(v[i].pk, v[i].message, v[i].r, v[i].s),
                v[i].valid,
                vm.toString(v[i].index)
            );
        }
    }

    function test_precompile_vectorsWith32ByteMessages() public view {
        Vector[] memory v = vectors();
        uint256 checked;
        for (uint256 i = 0; i < v.length; i++) {
            if (v[i].message.length != 32) continue;
            bytes memory out =
                callPrecompile(abi.encodePacked(v[i].pk, v[i].message, v[i].r, v[i].s));
            if (v[i].valid) {
                assertEq(out, abi.encode(uint256(1)), vm.toString(v[i].index));
            } else {
                assertEq(out.length, 0, vm.toString(v[i].index));
            }
            checked++;
        }
        assertEq(checked, 15);
    }

    function test_precompile_wrongLengthGivesEmptyOutput() public view {
        Vector[] memory v = vectors();
        bytes memory good = abi.encodePacked(v[1].pk, v[1].message, v[1].r, v[1].s);
        assertEq(callPrecompile(good), abi.encode(uint256(1)));
        assertEq(callPrecompile(abi.encodePacked(good, uint8(0))).length, 0);
        assertEq(callPrecompile(bytes("")).length, 0);
        bytes memory short = new bytes(127);
        for (uint256 i = 0; i < 127; i++) {
            short[i] = good[i];
        }
        assertEq(callPrecompile(short).length, 0);
    }

    function testFuzz_precompile_flippedBitNeverVerifies(uint256 bit) public view {
        Vector[] memory v = vectors();
        bytes memory input = abi.encodePacked(v[1].pk, v[1].message, v[1].r, v[1].s);
        bit = bound(bit, 0, 128 * 8 - 1);
        input[bit / 8] = input[bit / 8] ^ bytes1(uint8(1) << uint8(bit % 8));
        assertEq(callPrecompile(input).length, 0);
    }

    function testFuzz_precompile_anyInputIsTotal(bytes calldata input) public view {
        bytes memory out = callPrecompile(input);
        assertTrue(out.length == 0 || out.length == 32);
    }
}
