"""The demo's English: every shop-written text of `quanzi.demo.data` as an English-language shop would
write it, the English-writing people of the social demo, and the English of the text other demo
modules give to fields shoppers see.

Plain data only, like `data.py`: the seed stores these in the `_en` fields (django-modeltranslation)
next to the Chinese, and the English-writing creators and shoppers post these in English. Keys are
`data.py`'s keys, or the Chinese text itself where `data.py` has no key (option names and values,
banner titles, the patterns of other demo modules, whose `{placeholders}` are kept). British spelling,
as the rest of the English interface. Option values that read the same in both languages ("S", "38",
"125g", "iPhone 16") have no entry here.
"""

from __future__ import annotations

# ---------------------------------------------------------------- catalogue: products

# {product key: {"title", "subtitle", "intro": [as many paragraphs as the Chinese]}}
PRODUCTS: dict[str, dict] = {
    # ------------------------------------------------------------ Shanye Tea House (tea)
    "dahongpao": {
        "title": "Wuyi Da Hong Pao Rock Oolong, Charcoal-Roasted",
        "subtitle": "Mineral depth, rich but never bitter, roast aged three years",
        "intro": ["Grown in the core rock-tea area of the Wuyi mountains and slow-roasted over charcoal for "
                  "twelve hours: a full roast without any harshness.",
                  "Dark, glossy leaves brew a bright amber cup with the classic rocky finish and a hint of "
                  "cinnamon. The sweet aftertaste lingers, and it holds up for many infusions."]},
    "longjing": {
        "title": "West Lake Longjing Green Tea, Pre-Qingming 2026",
        "subtitle": "First spring picking from Shifeng, sweet and nutty",
        "intro": ["One bud and one leaf, picked before Qingming and pan-fired by hand into flat, smooth, "
                  "bright green leaves.",
                  "Brew it in a glass at 80°C and watch the leaves slowly unfurl. Expect a rich, toasty "
                  "chestnut aroma."]},
    "puer": {
        "title": "Yunnan Ripe Pu'er Cake 357g, Menghai Old Trees",
        "subtitle": "Aged ten years, smooth and mellow",
        "intro": ["Sun-dried leaf from old Menghai tea trees, fermented the traditional way, pressed into a "
                  "cake and stored dry in Kunming for ten years.",
                  "A deep, clear red cup with an aged, sticky-rice sweetness. Full-bodied and silky, perfect "
                  "after a meal on an autumn or winter day."]},
    "tieguanyin": {
        "title": "Anxi Tie Guan Yin Oolong, Light Roast",
        "subtitle": "Soaring orchid aroma, seven infusions and more",
        "intro": ["Autumn harvest from high-mountain gardens in Xianghua, Anxi: light-roasted, tightly "
                  "rolled, glossy green pearls.",
                  "Orchid aroma from the first pour, a golden cup, fresh with a sweet finish: a great first "
                  "oolong."]},
    "baicha": {
        "title": "Fuding Shou Mei White Tea Cake, 2020",
        "subtitle": "Notes of dates and honey; brew or simmer",
        "intro": ["Shou Mei from Mount Taimu in Fuding, sun-withered and pressed into cakes. Five years of "
                  "ageing have brought out clear notes of dates and honey.",
                  "In winter, simmer it in a clay pot: the cup turns darker and sweeter."]},
    "lapsang": {
        "title": "Tongmuguan Lapsang Souchong Black Tea",
        "subtitle": "Pine smoke and longan sweetness, lovely with milk",
        "intro": ["Authentic Lapsang Souchong from Tongmuguan, smoked over pine wood for its signature smoky "
                  "aroma and longan-like sweetness.",
                  "Rich on its own; add milk and a little sugar for a proper British-style cup of milk "
                  "tea."]},
    "coldbrew": {
        "title": "Cold Brew Tea Bags, 12 Pack",
        "subtitle": "Ready in 6 hours in cold water, your summer bottle buddy",
        "intro": ["Whole-leaf tea blended with dried fruit in roomy pyramid bags, so even cold water draws "
                  "out the flavour.",
                  "Drop one bag into a 500 ml bottle of water, pop it in the fridge, and it's ready when you "
                  "get home."]},
    "jasmine": {
        "title": "Hengxian Jasmine Tea 'Snow Drift', Premium Grade",
        "subtitle": "Scented seven times, fresh and floral",
        "intro": ["Midsummer jasmine from Hengxian, Guangxi, layered with high-mountain green tea seven times "
                  "for a rich, lasting fragrance.",
                  "Brew in a gaiwan at 90°C and pour quickly: a burst of jasmine and a crisp, fresh cup."]},
    "xiaoqinggan": {
        "title": "Xinhui Green Tangerine Pu'er",
        "subtitle": "One tangerine, one pot: citrus and pu'er in every cup",
        "intro": ["Small green tangerines from Erhong village in Xinhui, hollowed out, filled with palace-grade "
                  "pu'er and sun-dried.",
                  "Brew it peel and all: fresh citrus over mellow pu'er. A great desk companion."]},
    "teacup": {
        "title": "Handmade Wood-Fired Stoneware Tea Cup",
        "subtitle": "No two glazes alike",
        "intro": ["Thrown by hand by a Jingdezhen potter and fired in a wood kiln, so every cup's ash glaze "
                  "and kiln marks are one of a kind.",
                  "Thick walls keep your fingers cool. Holds about 90 ml."]},
    "travelset": {
        "title": "Portable Travel Tea Set, 1 Pot + 3 Cups",
        "subtitle": "Zip it into the pouch and go",
        "intro": ["A quick-brew pot and three tasting cups in a canvas pouch, for a proper cup of tea on "
                  "business trips and camping weekends.",
                  "The pot is borosilicate glass that handles hot and cold with ease."]},
    "osmanthus": {
        "title": "Osmanthus Oolong, Cold Brew Blend",
        "subtitle": "Scented with golden osmanthus, sweet but light",
        "intro": ["Oolong scented with golden osmanthus blossoms in autumn: sweet floral notes over a crisp "
                  "oolong base.",
                  "This year's batch has sold out; the next one is expected in October."]},
    "springpresale": {
        "title": "2027 Spring Tea Pre-Order",
        "subtitle": "Next year's first picking, first come first served",
        "intro": ["The first spring picking of next year, harvested before Qingming. Ships in April."]},

    # ------------------------------------------------------------ Textile Studio (apparel, sports)
    "heavytee": {
        "title": "Heavyweight Cotton Tee 260g",
        "subtitle": "Not see-through, keeps its shape, unisex",
        "intro": ["260 g combed cotton with two-ply yarn: thick, structured and fully opaque.",
                  "A wider ribbed collar that stays put even after dozens of washes."]},
    "hoodie": {
        "title": "Oversized Fleece-Lined Hoodie",
        "subtitle": "Loopback fleece, the only layer you need this winter",
        "intro": ["380 g brushed loopback fleece, soft and warm inside, with a relaxed dropped-shoulder fit.",
                  "Kangaroo pocket and cotton drawstrings that won't pill."]},
    "linenshirt": {
        "title": "Unisex Long-Sleeve Linen Shirt",
        "subtitle": "Breathable, cool, softer with every wash",
        "intro": ["French linen yarn, garment-washed for a soft, lived-in feel that never scratches.",
                  "Wear it buttoned up, or open as a light overshirt."]},
    "jeans": {
        "title": "High-Waist Straight-Leg Jeans",
        "subtitle": "A straight cut that lengthens the leg",
        "intro": ["13 oz raw denim with a little stretch, comfortable even after hours at a desk.",
                  "High waist, straight leg; cut the hem yourself for a raw edge."]},
    "cardigan": {
        "title": "Merino Wool Knit Cardigan",
        "subtitle": "Soft against the skin, no itch, no pilling",
        "intro": ["Australian merino in a fine 18.5-micron yarn, soft enough to wear next to the skin.",
                  "A classic V-neck cardigan that works over shirts and tees alike."]},
    "uvjacket": {
        "title": "Cooling UV Protection Jacket UPF50+",
        "subtitle": "Light and breathable, made for summer bike commutes",
        "intro": ["Cooling fabric rated UPF50+ blocks 98% of UV rays and feels cool on the skin.",
                  "Brimmed hood and thumb loops; packs down to the size of a water bottle."]},
    "skirt": {
        "title": "Pleated Midi Skirt",
        "subtitle": "Flowy drape that moves as you walk",
        "intro": ["Dense, fluid fabric with permanent pleats that survive the wash.",
                  "Elastic waist, calf length; pairs with tees and knits."]},
    "socks": {
        "title": "Combed Cotton Crew Socks, 5 Pairs",
        "subtitle": "Stay up, wick sweat, keep feet fresh",
        "intro": ["Combed cotton with a touch of spandex: a cuff that doesn't pinch and a cushioned terry "
                  "sole."]},
    "tote": {
        "title": "Large Canvas Tote Bag",
        "subtitle": "Fits a 14-inch laptop",
        "intro": ["Sturdy 12 oz canvas with a zip pocket and a laptop sleeve, for the commute or the grocery "
                  "run."]},
    "runtee": {
        "title": "Dry-Fit Running Tee",
        "subtitle": "Wicks sweat, never clings",
        "intro": ["Honeycomb mesh that dries fast and doesn't stick when you sweat, with reflective strips "
                  "for night runs."]},
    "leggings": {
        "title": "High-Rise Yoga Leggings, Second-Skin Feel",
        "subtitle": "High waist, squat-proof",
        "intro": ["Four-way stretch fabric that feels like nothing, with a high waistband that holds you in. "
                  "Made for yoga, Pilates and running."]},
    "runshoes": {
        "title": "Lightweight Cushioned Running Shoes",
        "subtitle": "220 g per shoe, for everyday easy runs",
        "intro": ["A supercritical foam midsole that's light and springy, with a breathable knit upper."]},
    "downvest": {
        "title": "Packable Down Vest, 90% White Duck Down",
        "subtitle": "Packs away, layers through autumn and winter",
        "intro": ["90% white duck down at 650 fill power: light, warm, and it packs into its own pouch.",
                  "Sold out this season; restocking for winter."]},

    # ------------------------------------------------------------ Fresh Kitchen (food)
    "apples": {
        "title": "Yantai Fuji Apples, Crisp and Juicy",
        "subtitle": "Picked to order, 80 mm and up",
        "intro": ["Picked fresh from orchards in Qixia, Yantai, tree-ripened, crisp, sweet and juicy.",
                  "Every apple sits in its own foam sleeve, so nothing bruises on the way."]},
    "cherries": {
        "title": "Chilean Cherries, JJ Grade, 1 kg Gift Box",
        "subtitle": "Air-freighted, plump and firm",
        "intro": ["Flown in from central Chile and kept cold all the way; 28 mm and larger.",
                  "Refrigerate on arrival and enjoy within 3 days for the best bite."]},
    "eggs": {
        "title": "Organic Free-Range Eggs, 30",
        "subtitle": "Forest-raised hens, deep orange yolks",
        "intro": ["Hens roam the woods and eat corn and grass; eggs are collected and shipped daily.",
                  "Packed in shockproof trays, and any breakage is on us."]},
    "nuts": {
        "title": "Daily Mixed Nuts",
        "subtitle": "Six nuts and fruits, one pack a day",
        "intro": ["Cashews, almonds, hazelnuts, walnuts, cranberries and blueberries in a balanced mix, "
                  "individually packed."]},
    "jerky": {
        "title": "Inner Mongolia Air-Dried Beef Jerky 250g",
        "subtitle": "Tear it by hand, tastier with every chew",
        "intro": ["Hind leg of grass-fed cattle from the Xilingol grasslands, air-dried for seven days, with "
                  "no added starch."]},
    "luosifen": {
        "title": "Liuzhou Luosifen River Snail Noodles, 5 Pack",
        "subtitle": "Proper pickled bamboo, rich broth",
        "intro": ["Shipped straight from a Liuzhou factory with all the toppings: pickled bamboo shoots, "
                  "tofu skin, peanuts and wood ear mushrooms."]},
    "rice": {
        "title": "Wuchang Daohuaxiang Rice 5kg",
        "subtitle": "This season's new crop, soft and glossy",
        "intro": ["Daohuaxiang No. 2 from the heart of Wuchang, Heilongjiang: this year's harvest, "
                  "vacuum-packed."]},
    "coffee": {
        "title": "Freeze-Dried Instant Coffee, 24 Pods",
        "subtitle": "Dissolves in 3 seconds, even in cold water",
        "intro": ["Arabica beans, cold-extracted and freeze-dried; dissolves instantly in cold water or "
                  "milk."]},
    "flowercake": {
        "title": "Yunnan Rose Flower Cakes, 10",
        "subtitle": "Freshly baked, real rose petals inside",
        "intro": ["Edible Yunnan roses picked for the filling and wrapped in freshly baked flaky pastry. Best "
                  "within 15 days."]},
    "steak": {
        "title": "Australian Grain-Fed Ribeye Steaks",
        "subtitle": "Whole-muscle cuts with even marbling",
        "intro": ["Australian ribeye, grain-fed for 150 days and cut from the whole muscle, about 200 g a "
                  "steak.",
                  "Shipped frozen: please put them straight into the freezer."]},
    "oats": {
        "title": "Low-Fat Instant Oats 1kg",
        "subtitle": "No added sugar, breakfast in five minutes",
        "intro": ["Whole Australian oats, rolled and high in fibre. Make them with hot water or milk."]},
    "yogurt": {
        "title": "Greek Yogurt, 12 Cups",
        "subtitle": "Thick, high in protein, delivered chilled",
        "intro": ["Fresh milk cultured and strained of its whey, thick enough to turn the cup upside down.",
                  "Sold out this week; back in stock on Monday."]},
    "chili": {
        "title": "Handmade Chilli Sauce",
        "subtitle": "Guizhou chillies, fragrant without the burn",
        "intro": ["Huaxi chillies from Guizhou slow-cooked in rapeseed oil with fermented black beans and "
                  "crushed peanuts. Great on noodles and rice."]},

    # ------------------------------------------------------------ Digital Forest (digital)
    "earbuds": {
        "title": "ANC Wireless Earbuds Pro",
        "subtitle": "Up to 45 dB noise cancelling, 30-hour battery",
        "intro": ["An in-house noise-cancelling chip with up to 45 dB of cancellation makes the metro "
                  "noticeably quieter.",
                  "Bluetooth 5.3 with dual-device pairing and wireless charging."]},
    "gan65": {
        "title": "65W GaN Charger, 3 Ports",
        "subtitle": "One plug for your laptop, tablet and phone",
        "intro": ["Two USB-C ports and one USB-A; a single port delivers 65W, enough for a laptop.",
                  "Barely bigger than a stock 20W phone charger, with folding prongs."]},
    "keyboard": {
        "title": "87-Key Hot-Swappable Mechanical Keyboard",
        "subtitle": "Tri-mode connection, PBT keycaps",
        "intro": ["Connects by cable, Bluetooth or 2.4G, and takes hot-swappable switches.",
                  "Double-shot PBT keycaps that won't go shiny with use."]},
    "mouse": {
        "title": "Silent Ergonomic Wireless Mouse",
        "subtitle": "Quiet enough for the library",
        "intro": ["Silent switches cut click noise by 90%; works over 2.4G and Bluetooth."]},
    "powerbank": {
        "title": "20000mAh Fast-Charging Power Bank",
        "subtitle": "Flight-safe, 22.5W in and out",
        "intro": ["20000mAh of capacity that you can take on a plane, with a digital display that shows "
                  "exactly what's left."]},
    "watch": {
        "title": "Smart Watch S3 with Heart Rate and SpO2",
        "subtitle": "14-day battery, NFC transit card",
        "intro": ["1.43-inch AMOLED display with all-day heart rate, blood oxygen and sleep tracking.",
                  "Tap through buses and the metro with NFC; 100+ workout modes."]},
    "cable": {
        "title": "100W Braided USB-C Cable",
        "subtitle": "Tested to 30,000 bends",
        "intro": ["100W PD fast charging and 480 Mbps data transfer in a braided nylon jacket."]},
    "stand": {
        "title": "Foldable Aluminium Tablet Stand",
        "subtitle": "For shows, online classes and video calls",
        "intro": ["Aircraft-grade aluminium with two hinges for height and angle; fits 4–13-inch devices."]},
    "speaker": {
        "title": "Retro Bluetooth Desk Speaker",
        "subtitle": "Wooden cabinet, warm sound",
        "intro": ["A walnut-grain cabinet with a 2.5-inch full-range driver, Bluetooth 5.0 and AUX in."]},
    "webcam": {
        "title": "4K Autofocus Webcam",
        "subtitle": "Look sharp on video calls",
        "intro": ["An 8-megapixel Sony sensor, 4K at 30 fps, with autofocus and a built-in fill light."]},
    "ereader": {
        "title": "7-Inch E-Ink E-Reader",
        "subtitle": "Easy on the eyes, a month per charge",
        "intro": ["A 300 ppi E Ink screen with warm and cool front light; reads EPUB, PDF and MOBI."]},
    "phonecase": {
        "title": "Clear MagSafe Phone Case",
        "subtitle": "Won't yellow, reinforced corners",
        "intro": ["Clear TPU with a PC back and a built-in magnet ring, compatible with MagSafe chargers and "
                  "accessories."]},
    "gamepad": {
        "title": "Wireless Controller with Hall Effect Sticks",
        "subtitle": "Hall effect sticks that never drift",
        "intro": ["Hall effect sticks and triggers mean no drift; works with Switch, PC and phones.",
                  "The first batch sold out; more on the way."]},
    "oldhub": {
        "title": "USB 3.0 4-Port Hub (Old Model)",
        "subtitle": "Discontinued; the new model is coming soon",
        "intro": ["The previous hub, no longer made."]},

    # ------------------------------------------------------------ Cozy Home (home, beauty, baby, sports)
    "candle": {
        "title": "Soy Wax Scented Candle 200g",
        "subtitle": "45-hour burn, crackling wooden wick",
        "intro": ["Natural soy wax and imported fragrance oils; the wooden wick crackles softly as it "
                  "burns."]},
    "bedding": {
        "title": "60s Long-Staple Cotton Bedding Set",
        "subtitle": "Hotel-smooth sheets at home",
        "intro": ["60s sateen in Xinjiang long-staple cotton: smooth against the skin, softer with every "
                  "wash.",
                  "Includes a duvet cover, a flat sheet and two pillowcases."]},
    "pillow": {
        "title": "Memory Foam Neck Support Pillow",
        "subtitle": "Slow rebound, for side and back sleepers",
        "intro": ["Contoured slow-rebound memory foam that follows the curve of your neck.",
                  "Removable, washable Tencel cover that sleeps cool."]},
    "floorlamp": {
        "title": "Nordic Floor Lamp, 3 Colour Temperatures",
        "subtitle": "For the living room, bedroom or reading nook",
        "intro": ["A linen shade for soft, glare-free light; three colour temperatures and a foot switch."]},
    "containers": {
        "title": "Glass Food Containers, 5-Piece Set",
        "subtitle": "Microwave and freezer safe",
        "intro": ["Borosilicate glass rated from -20°C to 400°C: pack lunches, freeze leftovers, reheat in "
                  "the microwave."]},
    "cleanser": {
        "title": "Amino Acid Facial Cleanser 120g",
        "subtitle": "Gentle clean, never tight",
        "intro": ["Amino acid surfactants in a mildly acidic formula, gentle enough for sensitive skin."]},
    "serum": {
        "title": "Hyaluronic Acid Hydrating Serum",
        "subtitle": "Three molecular weights, hydrated all day",
        "intro": ["Hyaluronic acid in large, medium and small molecules hydrates layer by layer, with "
                  "centella to soothe and repair."]},
    "sunscreen": {
        "title": "Lightweight Sunscreen SPF50+ PA++++",
        "subtitle": "Not greasy, works under make-up",
        "intro": ["Next-generation chemical filters in a watery texture that sets fast and never pills."]},
    "handcream": {
        "title": "Hand Cream Gift Set, 5 Tubes",
        "subtitle": "Five scents, to give or to keep",
        "intro": ["A shea butter formula that sinks in fast without feeling sticky; one tube in each of five "
                  "floral and fruity scents."]},
    "muslin": {
        "title": "Six-Layer Baby Muslin Bath Towel",
        "subtitle": "Soft and absorbent, softer with every wash",
        "intro": ["Six layers of cotton muslin made to Class A baby standards: absorbs fast and breathes "
                  "well."]},
    "babybowl": {
        "title": "Silicone Suction Baby Bowl Set",
        "subtitle": "Stays put, won't tip over",
        "intro": ["Food-grade platinum silicone with a strong suction base; microwave and dishwasher safe."]},
    "kidsbottle": {
        "title": "Kids' Insulated Water Bottle, 316 Stainless Steel",
        "subtitle": "Straw and sip lids included",
        "intro": ["A 316 stainless steel liner that keeps drinks warm for 12 hours; comes with a straw lid "
                  "and a sip lid."]},
    "bear": {
        "title": "Washable Baby Comfort Bear",
        "subtitle": "Baby's very first friend",
        "intro": ["Class A cotton with polyester fibre filling; the whole bear goes in the washing machine."]},
    "yogamat": {
        "title": "Non-Slip TPE Yoga Mat 6mm",
        "subtitle": "Grippy on both sides, with alignment lines",
        "intro": ["Eco-friendly, odourless TPE with a textured non-slip surface on both sides and alignment "
                  "lines."]},
    "dumbbell": {
        "title": "Adjustable Dumbbells, Pair",
        "subtitle": "2.5–10 kg in seconds",
        "intro": ["Turn the dial to change the weight: one pair replaces a whole dumbbell rack."]},
}

# ---------------------------------------------------------------- catalogue: options

# Every option name of data.PRODUCTS. 规格 covers weights, pack sizes and flavours alike, so it is the
# neutral "Option" rather than "Size" (no product has 规格 together with 尺码 or 尺寸).
OPTION_NAMES = {
    "规格": "Option",
    "颜色": "Colour",
    "尺码": "Size",
    "尺寸": "Size",
    "轴体": "Switch",
    "型号": "Model",
    "香型": "Scent",
}

# Every option value of data.PRODUCTS that is not language-neutral. 斤 is 500 g.
OPTION_VALUES = {
    # packs and sizes
    "50g 罐装": "50 g tin",
    "100g 礼盒": "100 g gift box",
    "250g 家庭装": "250 g family pack",
    "100g 小饼": "100 g mini cake",
    "300g 大饼": "300 g large cake",
    "100g 罐装": "100 g tin",
    "250g 袋装": "250 g bag",
    "10 颗装": "Pack of 10",
    "30 颗礼罐": "Gift tin of 30",
    "单只": "Single cup",
    "四只装礼盒": "Gift box of 4",
    "男款 5 双": "Men's, 5 pairs",
    "女款 5 双": "Women's, 5 pairs",
    "5 斤装": "2.5 kg box",
    "10 斤装": "5 kg box",
    "JJ 级 2 斤": "JJ grade, 1 kg",
    "JJJ 级 2 斤": "JJJ grade, 1 kg",
    "15 包": "15 packs",
    "30 包": "30 packs",
    "4 片装": "4 steaks",
    "8 片装": "8 steaks",
    "2 瓶装": "2 jars",
    "4 瓶装": "4 jars",
    "1 米": "1 m",
    "2 米": "2 m",
    "1.5 米床": "Double (1.5 m)",
    "1.8 米床": "King (1.8 m)",
    # flavours and scents
    "蜜桃乌龙": "Peach oolong",
    "白桃茉莉": "White peach jasmine",
    "柠檬红茶": "Lemon black tea",
    "原味 250g": "Original, 250 g",
    "香辣 250g": "Spicy, 250 g",
    "经典拼配": "Classic blend",
    "深烘美式": "Dark roast americano",
    "白茶": "White tea",
    "无花果": "Fig",
    "雪松": "Cedarwood",
    # switches
    "红轴": "Red (linear)",
    "茶轴": "Brown (tactile)",
    "青轴": "Blue (clicky)",
    # colours
    "白": "White",
    "黑": "Black",
    "燕麦": "Oatmeal",
    "雾蓝": "Dusty blue",
    "灰": "Grey",
    "藏青": "Navy",
    "奶白": "Cream",
    "浅蓝": "Light blue",
    "卡其": "Khaki",
    "深蓝": "Dark blue",
    "米白": "Ivory",
    "雾粉": "Dusty pink",
    "墨绿": "Forest green",
    "粉": "Pink",
    "原色": "Natural",
    "荧光绿": "Neon green",
    "雾紫": "Dusty purple",
    "星光": "Starlight",
    "浅灰": "Light grey",
    "樱花粉": "Blossom pink",
    "薄荷绿": "Mint",
    "天蓝": "Sky blue",
    "奶油黄": "Butter yellow",
}

# ---------------------------------------------------------------- catalogue: shared text, shops, banners

# data.CATEGORY_TEXT: the paragraphs every product of a category shares, paragraph for paragraph.
CATEGORY_TEXT = {
    "tea": ["How to brew: boiling water at 100°C, 5–8 g in a gaiwan. Pour off the first infusion after 10 "
            "seconds and add 5 seconds for each one after; good for 6–8 infusions. Cold brew: 3 g of leaves "
            "in 500 ml of room-temperature water, 6 hours in the fridge.",
            "Storage: sealed, away from light, moisture and strong smells. Best finished within 3 months of "
            "opening."],
    "apparel": ["Fabric and care: hand wash cold or use a gentle machine cycle, dry inside out, do not bleach, "
                "iron on low.",
                "Fit: relaxed. If you usually wear M, take M; size down for a closer fit. Measurements in the "
                "size chart are taken flat, so allow 1–2 cm either way."],
    "food": ["Shipping and storage: ships within 48 hours of your order (remote areas excepted). Refrigerate "
             "on arrival or store as the pack says.",
             "If anything arrives damaged or spoiled, send us a photo within 24 hours of delivery and we'll "
             "resend it or refund you."],
    "digital": ["After-sales: one-year warranty with free replacement for any fault you didn't cause; 7-day "
                "no-questions returns (except items activated in a way that prevents resale).",
                "In the box: the device, a cable, a manual and a warranty card. Paper or e-invoice, as you "
                "prefer."],
    "home": ["Safe materials, tested by an independent lab. Large items are delivered to your door; please "
             "check them over when you sign for them.",
             "Care: wipe with a soft, slightly damp cloth; keep out of strong sun and away from sharp "
             "objects."],
    "beauty": ["Patch test behind the ear or on the inner wrist before first use, and stop using it if "
               "irritation occurs.",
               "Shelf life 3 years; use within 12 months of opening. Guaranteed genuine, verifiable at any "
               "brand counter."],
    "baby": ["Food-grade and BPA-free, tested to baby product safety standards.",
             "Wash in warm water and let dry before first use. Always use under adult supervision."],
    "sports": ["Breathable and quick-drying, made for everyday training, running and the gym.",
               "Warm up properly before exercise. Wrong size? Free exchanges and returns within 7 days."],
}

# data.SHOP_TEXT: the closing paragraph of each shop's products.
SHOP_TEXT = {
    "tea": "Our promise at Shanye Tea House: every batch comes with its origin and picking date. Not happy? "
           "Return it within 7 days.",
    "apparel": "Textile Studio makes small batches, and every garment is pre-washed to prevent shrinking.",
    "kitchen": "Fresh Kitchen ships by SF Express cold chain and replaces any spoiled fruit. Fresh food is not "
               "covered by 7-day no-questions returns.",
    "digital": "Digital Forest: nationwide warranty, VAT invoices available.",
    "home": "Cozy Home: free shipping over ¥99, and large items delivered to your door.",
}

# Shown after a product's own paragraphs when it cannot be returned (demo/seed.py adds the Chinese).
PERISHABLE_NOTE = ("Please note: this is perishable fresh food and cannot be returned under the 7-day policy. "
                   "For quality problems, contact us within 24 hours of delivery.")

# data.SHOPS: {shop key: description}, and the operator's note on the rejected application.
SHOP_DESCRIPTIONS = {
    "tea": "A small shop run by three generations of tea makers at the foot of the Wuyi mountains. We only "
           "sell teas we drink and stand behind: rock oolong, white tea, green tea and cold brew, every batch "
           "labelled with its origin and picking date.",
    "apparel": "An independent clothing studio in Hangzhou making basics that last: heavyweight cotton, "
               "linen and wool, mostly unisex.",
    "kitchen": "Fruit, fresh food and snacks shipped straight from the farm. Cold-chain delivery, and we "
               "replace any spoiled fruit.",
    "digital": "A gadget shop from Huaqiangbei, Shenzhen: earbuds, chargers, keyboards, mice and small "
               "screens. Genuine mainland-China stock, all with a one-year warranty.",
    "home": "Make home the place you love: bedding, candles and lamps, plus baby and skincare favourites.",
    "flowers": "Fresh-cut flowers and dried bouquets straight from Dounan, Yunnan. A new bunch every week.",
    "toys": "Blind boxes, figures and model kits.",
}
SHOP_REVIEW_NOTES = {
    "toys": "Your business licence does not cover toy retail. Please add it and apply again.",
}

# data.BANNERS: {Chinese title: English subtitle} (the English titles are in data.BANNERS already).
BANNER_SUBTITLES = {
    "山野春茶上新": "Pre-Qingming Longjing and Wuyi rock tea, shipped from the source",
    "换季基础款 低至 7 折": "Heavyweight tees, hoodies and linen shirts",
    "产地直发 鲜果到家": "Yantai apples and Chilean cherries, spoiled fruit replaced",
    "数码好物 一年质保": "ANC earbuds, fast chargers and mechanical keyboards",
}

# data.AFTERSALE_STORIES: {story key: the shopper's description}.
AFTERSALE_STORIES = {
    "size": "It runs large; I'd like to return it and buy a size down.",
    "quality": "The collar's stitching came undone when it arrived, so I can't wear it.",
    "damaged": "The outer box was crushed in transit and two of them are bruised.",
    "changed_mind": "We already have one at home, so I don't need it any more.",
    "not_as_described": "The colour is quite different from the photos.",
}

# Other text demo/seed.py and demo/context.py give to fields people see: {Chinese: English}.
SEED_TEXT = {
    "资料齐全，欢迎入驻。": "All documents in order. Welcome aboard!",
    "送人的，麻烦不要放发票": "It's a gift, please leave the invoice out.",
    "麻烦发顺丰，谢谢": "Please ship with SF Express, thanks.",
    "已打款": "Paid out.",
    "不想要了": "Changed my mind",
    "地址填错了，重新下单": "Wrong address, ordering again",
    "买多了": "Ordered too many",
    "想换个颜色": "Want a different colour",
    "拍错了规格，麻烦退款。": "I picked the wrong option, please refund me.",
    "不想要了，还没发货请退款。": "Changed my mind. It hasn't shipped yet, so please refund me.",
    "已退款，欢迎再来。": "Refunded. Hope to see you again!",
    "同意退货，请寄回并填写单号。": "Return approved. Please send it back and enter the tracking number.",
    "顺丰速运": "SF Express",
    "商品出库前已质检，照片看不出问题，请补充细节图。":
        "Every item is checked before it ships, and we can't see the problem in the photo. Please send a "
        "close-up.",
    "已补充照片，商家不回复，请平台处理。":
        "I've added photos and the shop isn't replying. Please step in.",
    "照片显示确有质量问题，支持退货退款。":
        "The photos show a genuine quality problem: return and refund approved.",
}

# ---------------------------------------------------------------- English-writing people (social demo)

# Like social/demo.py CREATORS; their logins are data.CREATOR_EMAIL with these numbers.
ENGLISH_CREATORS = [
    {"n": 6, "nickname": "TeaWithJune", "initials": "TJ", "hue": 0.40,
     "bio": "Oolong nerd in Shanghai 🍵 Brewing notes, tasting diaries and tea gear that earns its place."},
    {"n": 7, "nickname": "DeskByLeo", "initials": "DL", "hue": 0.70,
     "bio": "Desk setups and honest gadget reviews ⌨️ I only recommend what I use every day."},
]

# Like content/demo.py NOTES: title, body (English "#topic " tags at the end), product keys of
# data.PRODUCTS, image count, days ago. Titles stay short: they are drawn on the cover.
ENGLISH_NOTES: dict[int, list[tuple[str, str, list[str], int, float]]] = {
    6: [
        ("Rock oolong 101", "My first Da Hong Pao tasted mostly of roast. The fix: boiling water, a full "
         "gaiwan and very short steeps, 5 seconds for the first three. Then the cinnamon and that mineral "
         "finish show up.\n\nStill going strong at the sixth infusion, which makes it great value."
         "\n\n#tea #oolong #teatime ", ["dahongpao"], 3, 1.8),
        ("Cold brew, zero effort", "One bag, one 500 ml bottle, six hours in the fridge. That's it. White "
         "peach jasmine is my favourite; peach oolong is a close second.\n\n#coldbrew #tea #summerdrinks ",
         ["coldbrew"], 2, 4.5),
        ("Tea on the road", "This little travel set has been to three cities with me this month. The glass "
         "pot brews fast and the cups nest inside the pouch.\n\nPaired it with Tie Guan Yin for the orchid "
         "aroma.\n\n#tea #travel #teatime ", ["travelset", "tieguanyin"], 3, 8),
        ("Why I simmer white tea", "Aged Shou Mei in a clay pot on a cold evening: darker, sweeter, with "
         "notes of dates and honey. Brewing it just doesn't get you there. A roasted Da Hong Pao takes the "
         "pot well too.\n\n#whitetea #tea #winterdrinks ", ["baicha", "dahongpao"], 2, 12),
    ],
    7: [
        ("A ¥450 desk upgrade", "Hot-swap keyboard, silent mouse and one good cable. Brown switches are "
         "quiet enough for an open office, and the desk finally looks tidy.\n\n#desksetup #keyboards #gadgets ",
         ["keyboard", "mouse", "cable"], 4, 1.2),
        ("One charger to rule them", "65W GaN, three ports: laptop, tablet and phone from one plug. It's the "
         "only charger in my bag now. The 2 m cable reaches the sofa.\n\n#gadgets #travel #charging ",
         ["gan65", "cable"], 3, 5),
        ("ANC earbuds, honest take", "On the metro the noise cancelling wipes out most of the rumble and "
         "chatter; battery lasts me a week of commutes.\n\nGame mode latency is only OK, but for music and "
         "calls they're great.\n\n#gadgets #earbuds #review ", ["earbuds"], 3, 9),
    ],
}
ENGLISH_DRAFTS: dict[int, tuple[str, str]] = {
    6: ("My gaiwan collection", "Still taking photos… gaiwans, fair cups and strainers next time."),
    7: ("Monitor light bar review", "Draft: need one more photo at night."),
}

# Like content/demo.py COMMENTS and REPLIES.
COMMENTS_EN = ["So useful, saved!", "Link please? It's already in my cart", "Same here, love it",
               "Gorgeous photos, which filter?", "Does it run large or small?", "Ordered straight away haha",
               "That colour is perfect", "Followed, can't wait for the next one!"]
REPLIES_EN = ["Thank you!", "Your usual size is fine", "Tap the product tagged in the note to buy it",
              "Coming up next time!"]
# content/demo.py's other comments: the @mention, its answer, the spam comment and the report's detail
# ({mention} is the mentioned nickname), and the favourites' collection names.
COMMENT_TEXTS_EN = {
    "@{mention} 你上次说想买的就是这个吧？": "@{mention} Isn't this the one you wanted last time?",
    "是的！已经加购物车了 😄": "Yes! Already in my cart 😄",
    "加V看更多内部优惠券，低价代购！": "DM me for secret coupons and cheap proxy buying!",
    "广告引流": "Advertising",
}
COLLECTIONS_EN = {"想买": "Want to buy", "种草清单": "Wish list"}

# Like reviews/demo.py REVIEW_TEXTS, MERCHANT_REPLIES and FOLLOWUP_TEXT.
REVIEW_TEXTS_EN = {
    5: ["Great quality, exactly as described, and fast delivery. Will buy again.",
        "Beautifully packed and even better than I expected. Recommended!",
        "My second order, just as good as the first."],
    4: ["Good value overall, though delivery took a day longer.",
        "Really nice, the colour is a shade darker than the photos."],
    3: ["Does the job. The packaging could be better."],
}
MERCHANT_REPLIES_EN = ["Thank you so much! Hope to see you again soon.",
                       "Thanks for the feedback. We're working on packaging and delivery, and hope to see you "
                       "again."]
FOLLOWUP_TEXT_EN = "Update after two weeks: still very happy, and I've recommended it to friends."

# Like social/demo.py SHOPPER_BIOS.
SHOPPER_BIOS_EN = ["Living well, shopping happy.", "Into tea and hiking.", "Weekend baker."]

# Which of data.SHOPPER_NICKNAMES write in English (reviews, comments, bios).
ENGLISH_SHOPPERS = ["Kevin", "Lily", "Momo"]

# ---------------------------------------------------------------- other demo modules: {Chinese: English}

# flashsale/demo.py session titles.
FLASH_TITLES = {
    "整点秒杀": "Flash sale",
    "下一场秒杀": "Next flash sale",
    "整点秒杀 · {label} 场": "Flash sale · {label}",
}
# live/demo.py room titles ({shop} is the shop's name) and the viewers' chat.
LIVE_TITLES = {
    "{shop} 上新夜": "{shop} new arrivals night",
    "{shop} 直播间 · 限时福利": "{shop} live · limited-time deals",
    "{shop} 明晚 8 点见": "{shop} · see you tomorrow at 8 pm",
}
LIVE_CHAT_EN = ["Hi!", "Does this come in white?", "Just ordered 🎉", "Where's the link?", "How's the quality?",
                "Can you go over the sizing?", "Looks great!"]
REPLAY_CHAT_EN = ["Here!", "Any deals today?", "Good price", "Bought 2!", "When's the next stream?", "Thanks!"]
# groupbuy/demo.py campaign titles ({title} is the product's title, {n} the minutes to fill a group).
GROUPBUY_TITLES = {
    "{title} · {n} 分钟成团": "{title} · {n}-minute group buy",
}
# bargain/demo.py campaign titles.
BARGAIN_TITLES = {
    "{title} · 砍价": "{title} · Bargain",
}
# livesales/demo.py gift names (also the English names in its GIFTS).
GIFTS = {
    "小心心": "Heart",
    "玫瑰": "Rose",
    "棒棒糖": "Lollipop",
    "跑车": "Sports car",
    "火箭": "Rocket",
}
# reconciliation/demo.py payment subjects.
PAYMENT_SUBJECTS = {
    "对账演示 · 通知丢失": "Reconciliation demo · lost notification",
    "对账演示 · 渠道无此笔": "Reconciliation demo · unknown to the provider",
}
