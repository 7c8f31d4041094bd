//! Odd multiples `1·G, 3·G, …, 63·G` of the generators (with `−y`), for the 7-bit wNAF of
//! the fixed-base scalar. Generated once by affine addition over the curve equations; the
//! tests below check every entry against RustCrypto's `k256` / `p256`.

use crate::curve_consts::{hex, Words};

/// Number of odd multiples per table (7-bit wNAF: digits ±1, ±3, …, ±63).
pub(crate) const G_TABLE_LEN: usize = 32;

/// An affine point as `(x, y, p − y)`.
pub(crate) type TablePoint = (Words, Words, Words);

/// `(2i+1)·G` of secp256k1.
pub(crate) const K1_G_ODD: [TablePoint; G_TABLE_LEN] = [
    (
        hex("79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"),
        hex("483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"),
        hex("b7c52588d95c3b9aa25b0403f1eef75702e84bb7597aabe663b82f6f04ef2777"),
    ),
    (
        hex("f9308a019258c31049344f85f89d5229b531c845836f99b08601f113bce036f9"),
        hex("388f7b0f632de8140fe337e62a37f3566500a99934c2231b6cb9fd7584b8e672"),
        hex("c77084f09cd217ebf01cc819d5c80ca99aff5666cb3ddce4934602897b4715bd"),
    ),
    (
        hex("2f8bde4d1a07209355b4a7250a5c5128e88b84bddc619ab7cba8d569b240efe4"),
        hex("d8ac222636e5e3d6d4dba9dda6c9c426f788271bab0d6840dca87d3aa6ac62d6"),
        hex("2753ddd9c91a1c292b24562259363bd90877d8e454f297bf235782c459539959"),
    ),
    (
        hex("5cbdf0646e5db4eaa398f365f2ea7a0e3d419b7e0330e39ce92bddedcac4f9bc"),
        hex("6aebca40ba255960a3178d6d861a54dba813d0b813fde7b5a5082628087264da"),
        hex("951435bf45daa69f5ce8729279e5ab2457ec2f47ec02184a5af7d9d6f78d9755"),
    ),
    (
        hex("acd484e2f0c7f65309ad178a9f559abde09796974c57e714c35f110dfc27ccbe"),
        hex("cc338921b0a7d9fd64380971763b61e9add888a4375f8e0f05cc262ac64f9c37"),
        hex("33cc76de4f5826029bc7f68e89c49e165227775bc8a071f0fa33d9d439b05ff8"),
    ),
    (
        hex("774ae7f858a9411e5ef4246b70c65aac5649980be5c17891bbec17895da008cb"),
        hex("d984a032eb6b5e190243dd56d7b7b365372db1e2dff9d6a8301d74c9c953c61b"),
        hex("267b5fcd1494a1e6fdbc22a928484c9ac8d24e1d20062957cfe28b3536ac3614"),
    ),
    (
        hex("f28773c2d975288bc7d1d205c3748651b075fbc6610e58cddeeddf8f19405aa8"),
        hex("0ab0902e8d880a89758212eb65cdaf473a1a06da521fa91f29b5cb52db03ed81"),
        hex("f54f6fd17277f5768a7ded149a3250b8c5e5f925ade056e0d64a34ac24fc0eae"),
    ),
    (
        hex("d7924d4f7d43ea965a465ae3095ff41131e5946f3c85f79e44adbcf8e27e080e"),
        hex("581e2872a86c72a683842ec228cc6defea40af2bd896d3a5c504dc9ff6a26b58"),
        hex("a7e1d78d57938d597c7bd13dd733921015bf50d427692c5a3afb235f095d90d7"),
    ),
    (
        hex("defdea4cdb677750a420fee807eacf21eb9898ae79b9768766e4faa04a2d4a34"),
        hex("4211ab0694635168e997b0ead2a93daeced1f4a04a95c0f6cfb199f69e56eb77"),
        hex("bdee54f96b9cae9716684f152d56c251312e0b5fb56a3f09304e660861a910b8"),
    ),
    (
        hex("2b4ea0a797a443d293ef5cff444f4979f06acfebd7e86d277475656138385b6c"),
        hex("85e89bc037945d93b343083b5a1c86131a01f60c50269763b570c854e5c09b7a"),
        hex("7a17643fc86ba26c4cbcf7c4a5e379ece5fe09f3afd9689c4a8f37aa1a3f60b5"),
    ),
    (
        hex("352bbf4a4cdd12564f93fa332ce333301d9ad40271f8107181340aef25be59d5"),
        hex("321eb4075348f534d59c18259dda3e1f4a1b3b2e71b1039c67bd3d8bcf81998c"),
        hex("cde14bf8acb70acb2a63e7da6225c1e0b5e4c4d18e4efc639842c273307e62a3"),
    ),
    (
        hex("2fa2104d6b38d11b0230010559879124e42ab8dfeff5ff29dc9cdadd4ecacc3f"),
        hex("02de1068295dd865b64569335bd5dd80181d70ecfc882648423ba76b532b7d67"),
        hex("fd21ef97d6a2279a49ba96cca42a227fe7e28f130377d9b7bdc45893acd47ec8"),
    ),
    (
        hex("9248279b09b4d68dab21a9b066edda83263c3d84e09572e269ca0cd7f5453714"),
        hex("73016f7bf234aade5d1aa71bdea2b1ff3fc0de2a887912ffe54a32ce97cb3402"),
        hex("8cfe90840dcb5521a2e558e4215d4e00c03f21d57786ed001ab5cd306834c82d"),
    ),
    (
        hex("daed4f2be3a8bf278e70132fb0beb7522f570e144bf615c07e996d443dee8729"),
        hex("a69dce4a7d6c98e8d4a1aca87ef8d7003f83c230f3afa726ab40e52290be1c55"),
        hex("596231b5829367172b5e5357810728ffc07c3dcf0c5058d954bf1adc6f41dfda"),
    ),
    (
        hex("c44d12c7065d812e8acf28d7cbb19f9011ecd9e9fdf281b0e6a3b5e87d22e7db"),
        hex("2119a460ce326cdc76c45926c982fdac0e106e861edf61c5a039063f0e0e6482"),
        hex("dee65b9f31cd9323893ba6d9367d0253f1ef9179e1209e3a5fc6f9bff1f197ad"),
    ),
    (
        hex("6a245bf6dc698504c89a20cfded60853152b695336c28063b61c65cbd269e6b4"),
        hex("e022cf42c2bd4a708b3f5126f16a24ad8b33ba48d0423b6efd5e6348100d8a82"),
        hex("1fdd30bd3d42b58f74c0aed90e95db5274cc45b72fbdc49102a19cb6eff271ad"),
    ),
    (
        hex("1697ffa6fd9de627c077e3d2fe541084ce13300b0bec1146f95ae57f0d0bd6a5"),
        hex("b9c398f186806f5d27561506e4557433a2cf15009e498ae7adee9d63d01b2396"),
        hex("463c670e797f90a2d8a9eaf91baa8bcc5d30eaff61b675185211629b2fe4d899"),
    ),
    (
        hex("605bdb019981718b986d0f07e834cb0d9deb8360ffb7f61df982345ef27a7479"),
        hex("02972d2de4f8d20681a78d93ec96fe23c26bfae84fb14db43b01e1e9056b8c49"),
        hex("fd68d2d21b072df97e58726c136901dc3d940517b04eb24bc4fe1e15fa946fe6"),
    ),
    (
        hex("62d14dab4150bf497402fdc45a215e10dcb01c354959b10cfe31c7e9d87ff33d"),
        hex("80fc06bd8cc5b01098088a1950eed0db01aa132967ab472235f5642483b25eaf"),
        hex("7f03f942733a4fef67f775e6af112f24fe55ecd69854b8ddca0a9bda7c4d9d80"),
    ),
    (
        hex("80c60ad0040f27dade5b4b06c408e56b2c50e9f56b9b8b425e555c2f86308b6f"),
        hex("1c38303f1cc5c30f26e66bad7fe72f70a65eed4cbe7024eb1aa01f56430bd57a"),
        hex("e3c7cfc0e33a3cf0d91994528018d08f59a112b3418fdb14e55fe0a8bcf426b5"),
    ),
    (
        hex("7a9375ad6167ad54aa74c6348cc54d344cc5dc9487d847049d5eabb0fa03c8fb"),
        hex("0d0e3fa9eca8726909559e0d79269046bdc59ea10c70ce2b02d499ec224dc7f7"),
        hex("f2f1c05613578d96f6aa61f286d96fb9423a615ef38f31d4fd2b6612ddb23438"),
    ),
    (
        hex("d528ecd9b696b54c907a9ed045447a79bb408ec39b68df504bb51f459bc3ffc9"),
        hex("eecf41253136e5f99966f21881fd656ebc4345405c520dbc063465b521409933"),
        hex("1130bedacec91a0666990de77e029a9143bcbabfa3adf243f9cb9a49debf62fc"),
    ),
    (
        hex("049370a4b5f43412ea25f514e8ecdad05266115e4a7ecb1387231808f8b45963"),
        hex("758f3f41afd6ed428b3081b0512fd62a54c3f3afbb5b6764b653052a12949c9a"),
        hex("8a70c0be502912bd74cf7e4faed029d5ab3c0c5044a4989b49acfad4ed6b5f95"),
    ),
    (
        hex("77f230936ee88cbbd73df930d64702ef881d811e0e1498e2f1c13eb1fc345d74"),
        hex("958ef42a7886b6400a08266e9ba1b37896c95330d97077cbbe8eb3c7671c60d6"),
        hex("6a710bd5877949bff5f7d991645e4c876936accf268f883441714c3798e39b59"),
    ),
    (
        hex("f2dac991cc4ce4b9ea44887e5c7c0bce58c80074ab9d4dbaeb28531b7739f530"),
        hex("e0dedc9b3b2f8dad4da1f32dec2531df9eb5fbeb0598e4fd1a117dba703a3c37"),
        hex("1f212364c4d07252b25e0cd213dace20614a0414fa671b02e5ee82448fc5bff8"),
    ),
    (
        hex("463b3d9f662621fb1b4be8fbbe2520125a216cdfc9dae3debcba4850c690d45b"),
        hex("5ed430d78c296c3543114306dd8622d7c622e27c970a1de31cb377b01af7307e"),
        hex("a12bcf2873d693cabceebcf92279dd2839dd1d8368f5e21ce34c884ee508cbb1"),
    ),
    (
        hex("f16f804244e46e2a09232d4aff3b59976b98fac14328a2d1a32496b49998f247"),
        hex("cedabd9b82203f7e13d206fcdf4e33d92a6c53c26e5cce26d6579962c4e31df6"),
        hex("312542647ddfc081ec2df90320b1cc26d593ac3d91a331d929a8669c3b1cde39"),
    ),
    (
        hex("caf754272dc84563b0352b7a14311af55d245315ace27c65369e15f7151d41d1"),
        hex("cb474660ef35f5f2a41b643fa5e460575f4fa9b7962232a5c32f908318a04476"),
        hex("34b8b99f10ca0a0d5be49bc05a1b9fa8a0b0564869ddcd5a3cd06f7be75fb7b9"),
    ),
    (
        hex("2600ca4b282cb986f85d0f1709979d8b44a09c07cb86d7c124497bc86f082120"),
        hex("4119b88753c15bd6a693b03fcddbb45d5ac6be74ab5f0ef44b0be9475a7e4b40"),
        hex("bee64778ac3ea429596c4fc032244ba2a539418b54a0f10bb4f416b7a581b0ef"),
    ),
    (
        hex("7635ca72d7e8432c338ec53cd12220bc01c48685e24f7dc8c602a7746998e435"),
        hex("091b649609489d613d1d5e590f78e6d74ecfc061d57048bad9e76f302c5b9c61"),
        hex("f6e49b69f6b7629ec2e2a1a6f0871928b1303f9e2a8fb745261890ced3a45fce"),
    ),
    (
        hex("754e3239f325570cdbbf4a87deee8a66b7f2b33479d468fbc1a50743bf56cc18"),
        hex("0673fb86e5bda30fb3cd0ed304ea49a023ee33d0197a695d0c5d98093c536683"),
        hex("f98c04791a425cf04c32f12cfb15b65fdc11cc2fe68596a2f3a267f5c3ac95ac"),
    ),
    (
        hex("e3e6bd1071a1e96aff57859c82d570f0330800661d1c952f9fe2694691d9b9e8"),
        hex("59c9e0bba394e76f40c0aa58379a3cb6a5a2283993e90c4167002af4920e37f5"),
        hex("a6361f445c6b1890bf3f55a7c865c3495a5dd7c66c16f3be98ffd50a6df1c43a"),
    ),
];

/// `(2i+1)·G` of P-256.
pub(crate) const R1_G_ODD: [TablePoint; G_TABLE_LEN] = [
    (
        hex("6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"),
        hex("4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5"),
        hex("b01cbd1c01e58065711814b583f061e9d431cca994cea1313449bf97c840ae0a"),
    ),
    (
        hex("5ecbe4d1a6330a44c8f7ef951d4bf165e6c6b721efada985fb41661bc6e7fd6c"),
        hex("8734640c4998ff7e374b06ce1a64a2ecd82ab036384fb83d9a79b127a27d5032"),
        hex("78cb9bf2b6670082c8b4f931e59b5d1327d54fcac7b047c265864ed85d82afcd"),
    ),
    (
        hex("51590b7a515140d2d784c85608668fdfef8c82fd1f5be52421554a0dc3d033ed"),
        hex("e0c17da8904a727d8ae1bf36bf8a79260d012f00d4d80888d1d0bb44fda16da4"),
        hex("1f3e82566fb58d83751e40c9407586d9f2fed1002b27f7772e2f44bb025e925b"),
    ),
    (
        hex("8e533b6fa0bf7b4625bb30667c01fb607ef9f8b8a80fef5b300628703187b2a3"),
        hex("73eb1dbde03318366d069f83a6f5900053c73633cb041b21c55e1a86c1f400b4"),
        hex("8c14e2411fcce7ca92f9607c590a6fffac38c9cd34fbe4de3aa1e5793e0bff4b"),
    ),
    (
        hex("ea68d7b6fedf0b71878938d51d71f8729e0acb8c2c6df8b3d79e8a4b90949ee0"),
        hex("2a2744c972c9fce787014a964a8ea0c84d714feaa4de823fe85a224a4dd048fa"),
        hex("d5d8bb358d36031978feb569b5715f37b28eb0165b217dc017a5ddb5b22fb705"),
    ),
    (
        hex("3ed113b7883b4c590638379db0c21cda16742ed0255048bf433391d374bc21d1"),
        hex("9099209accc4c8a224c843afa4f4c68a090d04da5e9889dae2f8eefce82a3740"),
        hex("6f66df64333b375edb37bc505b0b3975f6f2fb26a16776251d07110317d5c8bf"),
    ),
    (
        hex("177c837ae0ac495a61805df2d85ee2fc792e284b65ead58a98e15d9d46072c01"),
        hex("63bb58cd4ebea558a24091adb40f4e7226ee14c3a1fb4df39c43bbe2efc7bfd8"),
        hex("9c44a731b1415aa85dbf6e524bf0b18dd911eb3d5e04b20c63bc441d10384027"),
    ),
    (
        hex("f0454dc6971abae7adfb378999888265ae03af92de3a0ef163668c63e59b9d5f"),
        hex("b5b93ee3592e2d1f4e6594e51f9643e62a3b21ce75b5fa3f47e59cde0d034f36"),
        hex("4a46c11ba6d1d2e1b19a6b1ae069bc19d5c4de328a4a05c0b81a6321f2fcb0c9"),
    ),
    (
        hex("47776904c0f1cc3a9c0984b66f75301a5fa68678f0d64af8ba1abce34738a73e"),
        hex("aa005ee6b5b957286231856577648e8381b2804428d5733f32f787ff71f1fcdc"),
        hex("55ffa1184a46a8d89dce7a9a889b717c7e4d7fbcd72a8cc0cd0878008e0e0323"),
    ),
    (
        hex("cb6d2861102c0c25ce39b7c17108c507782c452257884895c1fc7b74ab03ed83"),
        hex("58d7614b24d9ef515c35e7100d6d6ce4a496716e30fa3e03e39150752bcecdaa"),
        hex("a7289eb3db2610afa3ca18eff292931b5b698e92cf05c1fc1c6eaf8ad4313255"),
    ),
    (
        hex("3250fcf686637c7b2e4ac86eb473bca53a582139f42b1523fd76364e67399e83"),
        hex("42e7c342667d359397b3090d1d7eb88c897cd3c33b566a8215de24a071d48c09"),
        hex("bd183cbc9982ca6d684cf6f2e281477376832c3dc4a9957dea21db5f8e2b73f6"),
    ),
    (
        hex("0e91c7239c2640d7d28a3e39d4583fa63c0bc0a5df64a4fe672e573045ca7896"),
        hex("5df65c3b550dba221a22733bb8e0bd6d7e68833575e7a5ae138046543140ad55"),
        hex("a209a3c3aaf245dee5dd8cc4471f429281977ccb8a185a51ec7fb9abcebf52aa"),
    ),
    (
        hex("3a67e2554b0c0bb685f4f52d8c07fa8441652fc5b76f1b2484a4dc45f200d687"),
        hex("27d0f1872f1fcf4326daf267163afb0d8c188af735a7618aa9ed16b302f79324"),
        hex("d82f0e77d0e030bdd9250d98e9c504f273e77509ca589e755612e94cfd086cdb"),
    ),
    (
        hex("184ffa5819d80d51deba2fac4611f378576355bd683e54abf2e201173b0883d1"),
        hex("c0a66e276688f359a4c6d90826cb999545bdeccc63f0491620d242c260906e6f"),
        hex("3f5991d799770ca75b3926f7d934666aba4213349c0fb6e9df2dbd3d9f6f9190"),
    ),
    (
        hex("d6d33adefa195b07a7c36da090853b8cfd8cd1c688b58a41dedd693d1c784def"),
        hex("84aaba16ee195d7e3f78245f558a5dcb09a166ab4b95eded550c124593d1bca6"),
        hex("7b5545e811e6a282c087dba0aa75a234f65e9955b46a1212aaf3edba6c2e4359"),
    ),
    (
        hex("301d9e502dc7e05da85da026a7ae9aa0fac9db7d52a95b3e3e3f9aa0a1b45b8b"),
        hex("6551b6f6b3061223e0d23c026b017d72298d9ae46887ca61d58db6aea17ee267"),
        hex("9aae49084cf9eddd1f2dc3fd94fe828dd672651c9778359e2a7249515e811d98"),
    ),
    (
        hex("9807d699fcd81356fa9aa25b89d9d34ea03b0a533aa872fd65c100f3cb2cd793"),
        hex("c2a59cdccab11bf286a01a4d1d091b2fffe630b96c5878532f6bf92479634af4"),
        hex("3d5a6322354ee40e795fe5b2e2f6e4d00019cf4793a787acd09406db869cb50b"),
    ),
    (
        hex("d58d4a589ed27d168ffa3ad7326c48ca94e8e1fe92af9700a12d389033bb291a"),
        hex("d45514d102726b8576ea92632dc7fef667271c163b034979a5b0c9c6f586b9d5"),
        hex("2baaeb2dfd8d947b89156d9cd238010998d8e3eac4fcb6865a4f36390a79462a"),
    ),
    (
        hex("419a6a646ddb817dd6b0978611a826aae0d21379246bfd4473a92894502b3348"),
        hex("332544cf1102f584545c9fb1954c2fd513c6d072f3dee1e2db1d6c81b09214b2"),
        hex("ccdabb2feefd0a7caba3604e6ab3d02aec392f8e0c211e1d24e2937e4f6deb4d"),
    ),
    (
        hex("22a682f7c3996d4d42014976a179046e547b942dd2d138d4a0c199ddfb2776c4"),
        hex("4f4606b0102223eeb918c9835a54356c979dcc310265b0685347f649cbaa285d"),
        hex("b0b9f94eefdddc1246e7367ca5abca93686233cffd9a4f97acb809b63455d7a2"),
    ),
    (
        hex("67a6bec240dee0651cf258d2e6cfe8aa6067c5c3d4175a593a7de694995d2fa2"),
        hex("de692b7022d131586c249b49464d44991542c7ee209aca6c49c24ce1441feed5"),
        hex("2196d48edd2ecea893db64b6b9b2bb66eabd3812df653593b63db31ebbe0112a"),
    ),
    (
        hex("986ae2506f1ff104d04230861d8f4b498f4bc4c6d009b30f7544dc129b82d28d"),
        hex("003cccc0a6460e0ae328a4d97d3c7b61d86fc6289c189f2525110c441bb07e97"),
        hex("ffc3333e59b9f1f61cd75b2682c3849e279039d863e760dadaeef3bbe44f8168"),
    ),
    (
        hex("a891d06670bde99b3ecd0f5ddff0672e0f5f609edd29d6d979c78080fae0ba03"),
        hex("b596cd922cbfa1c1419a88c4033c1ce71c6b38f0feb0f2ccefc3edc8166934ae"),
        hex("4a69326cd3405e3fbe65773bfcc3e318e394c710014f0d33103c1237e996cb51"),
    ),
    (
        hex("42c315cc48958708595361ea83071bbcdd5b31583e19066d51d689227b1c0d7c"),
        hex("649a61ce571b95852914d1dfbb7a799074f1a1e1eb87f164d6c4a72bb2f9b1b9"),
        hex("9b659e30a8e46a7bd6eb2e204485866f8b0e5e1f14780e9b293b58d44d064e46"),
    ),
    (
        hex("f785b0e098068875bb22b146866e6c0528fb7ea9758fd4fd7d228ce6a5674455"),
        hex("73fdb0bf6080da6ee15c767f0d9f5b414b04b6fd5f3aa60ae7bc490c10d62408"),
        hex("8c024f3f9f7f25921ea38980f260a4beb4fb4903a0c559f51843b6f3ef29dbf7"),
    ),
    (
        hex("672c4a514d9de43eaadee6863c1d68bc95f7eb56e81008ff044360f0018e22b1"),
        hex("548c7e9196a25bfe611de5a4ace203f7136246589704d9419935399191f37104"),
        hex("ab73816d695da4029ee21a5b531dfc08ec9db9a868fb26be66cac66e6e0c8efb"),
    ),
    (
        hex("6f01bd49c9d952455a47802254b88039982b1ca78de9b983f126ec9f7449d036"),
        hex("1562080ff1d5deab11a0f21a608776cea78551bfc3749b08360233dd989e17db"),
        hex("ea9df7ef0e2a2155ee5f0de59f788931587aae413c8b64f7c9fdcc226761e824"),
    ),
    (
        hex("079dba7ba068c9267571a109fe7fea2cc2a595b762c1eadadec1dff7df6e60a0"),
        hex("dc1e19b743d4d1811d223f9d2a9588ab83eb2df35751a397fb0da5aeb4824dea"),
        hex("23e1e647bc2b2e7fe2ddc062d56a77547c14d20da8ae5c6804f25a514b7db215"),
    ),
    (
        hex("c116e30ebb4d2865126d45a8ea907f86289d406e2d6c6bd88abd97b1d0f56077"),
        hex("e9478823c35b30c2b8b16d9bb13b87657d5bd5e89e59c8c5313fd7fda410c206"),
        hex("16b877db3ca4cf3e474e92644ec4789a82a42a1861a6373acec028025bef3df9"),
    ),
    (
        hex("665f1a6ffe0c6437765b2784fca9bdf7e50941119e8dc8eca2b6ea0e0faa4b45"),
        hex("490e2ca49ffd18c26e8cca29f7eac37f7dede5bf81e215bc6e25a6602b7f4ccf"),
        hex("b6f1d35a6002e73e917335d608153c8082121a417e1dea4391da599fd480b330"),
    ),
    (
        hex("059ccb19edd3da9a2d3a6b3d8d9900013e7910a08b724fd55939ac380d32af0e"),
        hex("bb6ad7eccad49159da65281b9345638e1621f7a33956cecd928e1e3c97fe91d1"),
        hex("44952812352b6ea7259ad7e46cba9c71e9de085dc6a931326d71e1c368016e2e"),
    ),
    (
        hex("6a9501d85bf5dc802a1f28a08acc7d8fdf53c8af01a7cd3832a290825d8bdac1"),
        hex("ca640ad19347374381c6c6e44a3c56a3f8461b5c697a6f3530aff53d5f1ef1a3"),
        hex("359bf52d6cb8c8bd7e39391bb5c3a95c07b9e4a4968590cacf500ac2a0e10e5c"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use k256::elliptic_curve::sec1::ToEncodedPoint;

    fn be(words: &Words) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (chunk, word) in out.chunks_exact_mut(4).zip(words.iter().rev()) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    #[test]
    fn secp256k1_odd_multiples_match_k256() {
        for (i, (x, y, neg_y)) in K1_G_ODD.iter().enumerate() {
            let k = k256::Scalar::from(2 * i as u64 + 1);
            let p = (k256::ProjectivePoint::GENERATOR * k).to_affine();
            let e = p.to_encoded_point(false);
            assert_eq!(&e.x().unwrap()[..], be(x), "{}·G", 2 * i + 1);
            assert_eq!(&e.y().unwrap()[..], be(y), "{}·G", 2 * i + 1);
            let n = (-k256::ProjectivePoint::GENERATOR * k).to_affine();
            assert_eq!(&n.to_encoded_point(false).y().unwrap()[..], be(neg_y));
        }
    }

    #[test]
    fn p256_odd_multiples_match_p256() {
        for (i, (x, y, neg_y)) in R1_G_ODD.iter().enumerate() {
            let k = p256::Scalar::from(2 * i as u64 + 1);
            let p = (p256::ProjectivePoint::GENERATOR * k).to_affine();
            let e = p.to_encoded_point(false);
            assert_eq!(&e.x().unwrap()[..], be(x), "{}·G", 2 * i + 1);
            assert_eq!(&e.y().unwrap()[..], be(y), "{}·G", 2 * i + 1);
            let n = (-p256::ProjectivePoint::GENERATOR * k).to_affine();
            assert_eq!(&n.to_encoded_point(false).y().unwrap()[..], be(neg_y));
        }
    }
}
